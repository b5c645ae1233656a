import { migrate } from '@app/platform/database/migrations';
import { PgDatabase } from '@app/platform/database/pg-database';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import type { SqlDatabase } from '@app/platform/database/sql-database';
import { storageTargets } from '@app/testing/postgres-target';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { startEsdbTestDouble } from '../esdb-test-double/esdb-streams-test-double';
import { EsdbEventStore } from '@app/event-store/esdb/esdb-event-store.adapter';
import type { EventStore } from '@app/event-store/event-store.port';
import { EVENT_LOG_MIGRATIONS } from '@app/event-store/postgres/event-log.migrations';
import { PostgresEventStore } from '@app/event-store/postgres/postgres-event-store.adapter';

/** One adapter the contract suite runs on. */
export interface ContractTarget {
  readonly name: string;
  /** Whether the store starts empty (everything but a server named by EVENTSTORE_CONNECTION_STRING). */
  readonly fresh: boolean;
  open(): Promise<OpenTarget>;
}

export interface OpenTarget {
  readonly store: EventStore;
  /** The SQL database under a PostgreSQL-adapter store: to append inside a transaction held open. */
  readonly db?: SqlDatabase;
  close(): Promise<void>;
}

export const ESDB_IMAGE = 'eventstore/eventstore:24.10';

/**
 * PGlite and the EventStoreDB test double always; a PostgreSQL server when TEST_DATABASE_URL is set
 * (jest's global setup fills it where Docker runs); a real EventStoreDB from EVENTSTORE_CONNECTION_STRING,
 * else from testcontainers where a Docker engine is, else none, with `skipped` saying why.
 */
export function contractTargets(): { targets: ContractTarget[]; skipped: string[] } {
  const targets: ContractTarget[] = [{ name: 'PGlite (embedded, in memory)', fresh: true, open: () => openPglite() }];
  const skipped: string[] = [];
  const freshDatabase = storageTargets().find((t) => t.name === 'postgresql')?.freshDatabase;
  if (freshDatabase) targets.push({ name: 'PostgreSQL server (fresh database from TEST_DATABASE_URL)', fresh: true, open: () => openPostgres(freshDatabase) });
  targets.push({ name: 'EventStoreDB test double (in-process gRPC, not EventStoreDB)', fresh: true, open: () => openEsdbDouble() });
  const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
  if (connectionString) {
    targets.push({ name: 'EventStoreDB server (EVENTSTORE_CONNECTION_STRING)', fresh: false, open: async () => openEsdb(connectionString) });
  } else if (existsSync('/var/run/docker.sock')) {
    targets.push({ name: `EventStoreDB server (testcontainers ${ESDB_IMAGE})`, fresh: true, open: () => openEsdbContainer() });
  } else {
    skipped.push('EventStoreDB server run skipped: EVENTSTORE_CONNECTION_STRING is unset and no Docker engine answers');
  }
  return { targets, skipped };
}

async function openPglite(): Promise<OpenTarget> {
  const db = await PgliteDatabase.open();
  await migrate(db, EVENT_LOG_MIGRATIONS);
  return { store: new PostgresEventStore(db), db, close: () => db.close() };
}

async function openPostgres(freshDatabase: () => Promise<string>): Promise<OpenTarget> {
  const url = await freshDatabase();
  const db = await PgDatabase.connect(url);
  await migrate(db, EVENT_LOG_MIGRATIONS);
  return {
    store: new PostgresEventStore(db),
    db,
    close: async () => {
      await db.close();
      await dropDatabase(url);
    },
  };
}

async function openEsdbDouble(): Promise<OpenTarget> {
  const double = await startEsdbTestDouble();
  const opened = openEsdb(double.connectionString);
  return { ...opened, close: async () => (await opened.close(), await double.stop()) };
}

function openEsdb(connectionString: string): OpenTarget {
  const store = EsdbEventStore.fromConnectionString(connectionString);
  return { store, close: () => store.close() };
}

async function openEsdbContainer(): Promise<OpenTarget> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(ESDB_IMAGE)
    .withEnvironment({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_MEM_DB: 'true' })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((code) => code >= 200 && code < 300))
    .start();
  const opened = openEsdb(`esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`);
  return { ...opened, close: async () => (await opened.close(), void (await container.stop())) };
}

// The databases are throwaway; dropping them keeps a long-lived local server clean.
async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  } finally {
    await admin.end();
  }
}
