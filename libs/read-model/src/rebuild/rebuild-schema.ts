import type { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { READ_MODEL_SCHEMA } from '../store/read-model-schema';

/** Where a rebuild builds its read model, beside the live one in the same database. */
export const REBUILD_SCHEMA = 'read_model_rebuild';

// Creating every table and index of an empty read model: far below this, but longer than a request's statement.
const CREATE_TIMEOUT_MS = 5 * 60 * 1000;

/** A PostgreSQL identifier, quoted (schema and column names come from our own catalog, but never trust a name in SQL text). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The schema the live read model lives in (the connection's first schema on its search path). */
export async function liveSchema(db: SqlExecutor): Promise<string> {
  const [row] = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
  return row.schema;
}

/**
 * Drops what an earlier rebuild left and creates `schema` with every read-model migration, so the
 * rebuild's tables, indexes and functions are exactly the live model's. Not the event log, the
 * journal or job tables: those are not projected.
 */
export async function createRebuildSchema(db: SqlDatabase, schema: string): Promise<void> {
  const name = quoteIdentifier(schema);
  await db.transaction(async (tx) => {
    await tx.exec(`DROP SCHEMA IF EXISTS ${name} CASCADE; CREATE SCHEMA ${name}`);
    await useSchema(tx, schema);
    for (const migration of READ_MODEL_SCHEMA.flat()) await tx.exec(migration.sql);
  }, { timeoutMs: CREATE_TIMEOUT_MS });
}

/**
 * Points this transaction's unqualified names at `schema` alone, so the projection code writes the
 * rebuild's tables: a table missing there fails rather than writing the live one.
 */
export async function useSchema(tx: SqlExecutor, schema: string): Promise<void> {
  await tx.exec(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
}
