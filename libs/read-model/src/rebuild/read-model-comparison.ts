import type { SqlExecutor } from '@app/platform/database/sql-database';
import { differencesQuery, promotionStatements, TablePair } from './comparison-sql';
import { COMPARED_TABLES } from './compared-tables';
import { DifferenceRow, ReadModelDifference, toDifference } from './read-model-difference';

/** What a comparison found: every difference counted, the first `shown` of them listed (in table, then key order). */
export interface Comparison {
  readonly differenceCount: number;
  readonly differences: readonly ReadModelDifference[];
}

/** Each compared table in both schemas, with the columns of the rebuilt copy (the current migrations'). */
export async function tablePairs(tx: SqlExecutor, live: string, rebuilt: string): Promise<TablePair[]> {
  const rows = await tx.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = ANY($2::text[])
     ORDER BY table_name, ordinal_position`,
    [rebuilt, COMPARED_TABLES.map((t) => t.name)],
  );
  return COMPARED_TABLES.map((table) => ({ table, live, rebuilt, columns: rows.filter((r) => r.table_name === table.name).map((r) => r.column_name) }));
}

/** Compares the two models row by row in the caller's transaction (so at the position its snapshot or lock holds). */
export async function compareReadModels(tx: SqlExecutor, pairs: readonly TablePair[], shown: number): Promise<Comparison> {
  let differenceCount = 0;
  const differences: ReadModelDifference[] = [];
  for (const pair of pairs) {
    const rows = await tx.query<DifferenceRow & { total: number }>(differencesQuery(pair), [Math.max(shown - differences.length, 0)]);
    // With nothing left to list the LIMIT is 0 and the count comes from a second look.
    differenceCount += rows.length > 0 ? Number(rows[0].total) : await countDifferences(tx, pair);
    differences.push(...rows.map((row) => toDifference(pair.table, row)));
  }
  return { differenceCount, differences };
}

async function countDifferences(tx: SqlExecutor, pair: TablePair): Promise<number> {
  const [row] = await tx.query<{ n: number }>(`SELECT count(*) AS n FROM (${differencesQuery(pair)}) d`, [null]);
  return Number(row.n);
}

/** Makes every live table equal to its rebuilt copy in the caller's transaction. */
export async function promoteRebuilt(tx: SqlExecutor, pairs: readonly TablePair[]): Promise<void> {
  for (const pair of pairs) for (const statement of promotionStatements(pair)) await tx.query(statement);
}
