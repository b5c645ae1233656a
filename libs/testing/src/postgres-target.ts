import { Client } from 'pg';
import { randomUUID } from 'node:crypto';

/** A store the e2e suites run against: embedded PGlite always, a PostgreSQL server when one is given. */
export interface StorageTarget {
  readonly name: 'pglite' | 'postgresql';
  /** Creates an empty database for one test server and returns its URL (PostgreSQL only). */
  readonly freshDatabase?: () => Promise<string>;
}

/**
 * The PostgreSQL server comes from TEST_DATABASE_URL, which .ci/run sets and which jest's global
 * setup fills from a testcontainers PostgreSQL where a Docker engine runs.
 */
export function storageTargets(): StorageTarget[] {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const targets: StorageTarget[] = [{ name: 'pglite' }];
  if (serverUrl) targets.push({ name: 'postgresql', freshDatabase: () => createDatabase(serverUrl) });
  return targets;
}

async function createDatabase(serverUrl: string): Promise<string> {
  const name = `scim_test_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
