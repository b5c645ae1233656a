import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** Creates an empty database on a PostgreSQL server and returns its URL: isolation for tests and benchmarks. */
export async function createEmptyDatabase(serverUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '')}`;
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
