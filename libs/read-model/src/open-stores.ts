import { EsdbEventStore } from '@app/event-store/esdb/esdb-event-store.adapter';
import { EventStore } from '@app/event-store/event-store.port';
import { EVENT_LOG_MIGRATIONS } from '@app/event-store/postgres/event-log.migrations';
import { PostgresEventStore } from '@app/event-store/postgres/postgres-event-store.adapter';
import type { DatabaseConfig } from '@app/platform/config/app-config';
import { migrate } from '@app/platform/database/migrations';
import { PgDatabase } from '@app/platform/database/pg-database';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { SqlDatabase } from '@app/platform/database/sql-database';
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { ReadModelProjector } from './projections/read-model.projector';
import { IdentityProviderDirectory } from './store/identity-provider-directory';
import { READ_MODEL_MIGRATIONS } from './store/read-model.migrations';
import { UserReadModel } from './store/user-read-model';

/** The stores one process works with: the event log, the read model over it, and its projector. */
export interface Stores {
  readonly db: SqlDatabase;
  readonly events: EventStore;
  readonly users: UserReadModel;
  readonly providers: IdentityProviderDirectory;
  readonly projector: ReadModelProjector;
  close(): Promise<void>;
}

export interface StoreLocation {
  /** A PostgreSQL server; when absent, embedded PGlite under dataDir (or in memory when dataDir is ':memory:'). */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** An EventStoreDB for the event log; without it the log lives in the same PostgreSQL database. */
  readonly eventStoreConnectionString?: string;
  /** Timeout and pool size for a PostgreSQL server; the configuration's defaults when absent. */
  readonly database?: DatabaseConfig;
}

export async function openStores(location: StoreLocation, logger: Logger): Promise<Stores> {
  const db = await openDatabase(location, logger);
  const esdb = location.eventStoreConnectionString ? EsdbEventStore.fromConnectionString(location.eventStoreConnectionString) : undefined;
  if (!esdb) await migrate(db, EVENT_LOG_MIGRATIONS);
  await migrate(db, READ_MODEL_MIGRATIONS);
  const events = esdb ?? new PostgresEventStore(db);
  const projector = new ReadModelProjector(db, events, logger.child({ module: 'read-model-projector' }));
  await projector.init();
  await projector.catchUp();
  return {
    db,
    events,
    users: new UserReadModel(db),
    providers: new IdentityProviderDirectory(db),
    projector,
    close: async () => {
      projector.stop();
      await esdb?.close();
      await db.close();
    },
  };
}

async function openDatabase(location: StoreLocation, logger: Logger): Promise<SqlDatabase> {
  if (location.databaseUrl) return PgDatabase.connect(location.databaseUrl, { ...location.database, logger: logger.child({ module: 'database' }) });
  if (location.dataDir === ':memory:') return PgliteDatabase.open();
  mkdirSync(location.dataDir, { recursive: true });
  return PgliteDatabase.open(location.dataDir);
}
