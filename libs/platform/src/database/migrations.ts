import { SqlDatabase } from './sql-database';

/** One named, ordered schema change; each owner (event log, read model) keeps its own list. */
export interface Migration {
  readonly id: string;
  readonly sql: string;
}

// A migration may build an index over a large table: it gets far longer than a request's statement.
const MIGRATION_TIMEOUT_MS = 60 * 60 * 1000;

/** Applies the migrations not yet recorded, each in its own transaction, in order. */
export async function migrate(db: SqlDatabase, migrations: readonly Migration[]): Promise<void> {
  await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  for (const migration of migrations) {
    await db.transaction(async (tx) => {
      // The lock makes concurrent starters (api and worker) apply each migration once.
      await tx.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id]);
      if (done.length > 0) return;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
    }, { timeoutMs: MIGRATION_TIMEOUT_MS });
  }
}
