import type { CommandStore } from '@app/event-store/command-handling/command-store.port';
import { ReservationStreamCommandStore } from '@app/event-store/command-handling/reservation-stream-command-store';
import { EsdbEventStore } from '@app/event-store/esdb/esdb-event-store.adapter';
import { EventStore } from '@app/event-store/event-store.port';
import { EVENT_LOG_MIGRATIONS } from '@app/event-store/postgres/event-log.migrations';
import { PostgresEventStore } from '@app/event-store/postgres/postgres-event-store.adapter';
import { SqlCommandStore } from '@app/event-store/postgres/sql-command-store';
import { evolveReservation, isReservationEvent } from '@app/identity/user/unique-value';
import type { DatabaseConfig } from '@app/platform/config/app-config';
import { acquireDataDirLock, DataDirLock, DataDirRole } from '@app/platform/database/data-dir-lock';
import { migrate } from '@app/platform/database/migrations';
import { PgDatabase } from '@app/platform/database/pg-database';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { SqlDatabase } from '@app/platform/database/sql-database';
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { writeWithInlineProjection } from './projections/inline-projection';
import { preparedStatements } from './query/statement-names';
import { describeProjectionError } from './projections/projection-error';
import { ReadModelProjector } from './projections/read-model.projector';
import { IdentityProviderDirectory } from './store/identity-provider-directory';
import { migrateReadModel } from './store/read-model-schema';
import { UserReadModel } from './store/user-read-model';

/** Distinct statement texts each connection may keep prepared (the fixed queries and the common filter shapes). */
const PREPARED_STATEMENTS = 50;

const RESERVATION_STREAM = { initial: undefined, evolve: evolveReservation, accepts: isReservationEvent };

/** The stores one process works with: the event log, the read model over it, and its projector. */
export interface Stores {
  readonly db: SqlDatabase;
  readonly events: EventStore;
  /** The write side: appends with their uniqueness claims. */
  readonly commands: CommandStore;
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

/** Opens the stores; an embedded data directory is locked for `role` first (one process owns it) and unlocked on close. */
export async function openStores(location: StoreLocation, logger: Logger, role: DataDirRole = 'server'): Promise<Stores> {
  // Before PGlite opens the directory: a second process on it loses writes or spins.
  const lock = location.databaseUrl || location.dataDir === ':memory:' ? undefined : await acquireDataDirLock(location.dataDir, role);
  try {
    return await openLockedStores(location, logger, lock);
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

async function openLockedStores(location: StoreLocation, logger: Logger, lock: DataDirLock | undefined): Promise<Stores> {
  const db = await openDatabase(location, logger);
  const esdb = location.eventStoreConnectionString ? EsdbEventStore.fromConnectionString(location.eventStoreConnectionString) : undefined;
  if (!esdb) await migrate(db, EVENT_LOG_MIGRATIONS);
  await migrateReadModel(db);
  const { events, commands } = esdb ? { events: esdb, commands: new ReservationStreamCommandStore(esdb, RESERVATION_STREAM) } : sqlLog(db);
  const projector = new ReadModelProjector(db, events, logger.child({ module: 'read-model-projector' }));
  await projector.init();
  // Start-up never fails on projection: the poll and readiness retry what could not be projected now.
  await projector.catchUp().catch((error) => logger.error({ projection: describeProjectionError(error) }, 'start-up projection catch-up failed; the poll retries it'));
  return {
    db,
    events,
    commands,
    // PostgreSQL prepares the read model's repeated statements (bounded per connection); PGlite ignores names.
    users: new UserReadModel(preparedStatements(db, PREPARED_STATEMENTS)),
    providers: new IdentityProviderDirectory(db),
    projector,
    close: async () => {
      projector.stop();
      try {
        await esdb?.close();
        await db.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

/** SQL stores write events, claims and read-model rows in one transaction; EventStoreDB keeps reservation streams and catches up. */
function sqlLog(db: SqlDatabase): { events: EventStore; commands: CommandStore } {
  const log = new PostgresEventStore(db);
  return { events: log, commands: new SqlCommandStore(db, log, writeWithInlineProjection) };
}

async function openDatabase(location: StoreLocation, logger: Logger): Promise<SqlDatabase> {
  const databaseLogger = logger.child({ module: 'database' });
  if (location.databaseUrl) return PgDatabase.connect(location.databaseUrl, { ...location.database, logger: databaseLogger });
  if (location.dataDir === ':memory:') return PgliteDatabase.open(undefined, { logger: databaseLogger });
  mkdirSync(location.dataDir, { recursive: true });
  return PgliteDatabase.open(location.dataDir, { logger: databaseLogger });
}
