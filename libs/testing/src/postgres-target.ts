import { createEmptyDatabase } from '@app/platform/database/create-database';
import { startEsdbTestDouble } from '../../../test/esdb-test-double/esdb-streams-test-double';

/** A store the e2e suites run against: embedded PGlite always, a PostgreSQL server when one is given. */
export interface StorageTarget {
  readonly name: 'pglite' | 'postgresql' | 'esdb-test-double';
  /** Creates an empty database for one test server and returns its URL (PostgreSQL only). */
  readonly freshDatabase?: () => Promise<string>;
  /** Starts an empty event log for one test server (EventStoreDB only). */
  readonly freshEventStore?: () => Promise<{ readonly connectionString: string; stop(): Promise<void> }>;
}

/**
 * The PostgreSQL server comes from TEST_DATABASE_URL, which .ci/run sets and which jest's global
 * setup fills from a testcontainers PostgreSQL where a Docker engine runs.
 */
export function storageTargets(): StorageTarget[] {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const targets: StorageTarget[] = [{ name: 'pglite' }];
  if (serverUrl) targets.push({ name: 'postgresql', freshDatabase: () => createEmptyDatabase(serverUrl, 'scim_test') });
  // The EventStoreDB adapter against the in-process test double of its gRPC API; read model on PGlite.
  targets.push({ name: 'esdb-test-double', freshEventStore: () => startEsdbTestDouble() });
  return targets;
}

