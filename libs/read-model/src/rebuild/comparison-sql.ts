import type { ComparedTable, KeyColumn } from './compared-tables';
import { quoteIdentifier as q } from './rebuild-schema';

/** The two copies of one table: the live read model's and the rebuilt one's, with the columns both have. */
export interface TablePair {
  readonly table: ComparedTable;
  readonly live: string;
  readonly rebuilt: string;
  readonly columns: readonly string[];
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const keyOf = (alias: string, part: KeyColumn) => (part.lower ? `lower(${alias}.${q(part.column)})` : `${alias}.${q(part.column)}`);
const keyMatch = ({ table }: TablePair) => table.key.map((part) => `${keyOf('l', part)} = ${keyOf('r', part)}`).join(' AND ');
const changed = ({ columns }: TablePair) => columns.map((c) => `l.${q(c)} IS DISTINCT FROM r.${q(c)}`).join(' OR ');
const relation = (schema: string, table: ComparedTable) => `${q(schema)}.${q(table.name)}`;

/**
 * The rows that differ, by shown key (k0…kn), with the side that lacks them or the columns whose
 * values differ (jsonb compares by value, not by text), the first `$1` in key order, each with the
 * total count. A full join on the key: one pass over both copies.
 */
export function differencesQuery(pair: TablePair): string {
  const { table } = pair;
  const shown = table.shown.map((c, i) => `COALESCE(l.${q(c)}, r.${q(c)})::text AS k${i}`);
  const columns = pair.columns.map((c) => `CASE WHEN l.${q(c)} IS DISTINCT FROM r.${q(c)} THEN ${literal(c)} END`);
  return `SELECT ${shown.join(', ')}, l.ctid IS NULL AS missing_live, r.ctid IS NULL AS missing_rebuilt,
    array_remove(ARRAY[${columns.join(', ')}]::text[], NULL) AS columns, count(*) OVER () AS total
    FROM ${relation(pair.live, table)} l FULL JOIN ${relation(pair.rebuilt, table)} r ON ${keyMatch(pair)}
    WHERE l.ctid IS NULL OR r.ctid IS NULL OR ${changed(pair)}
    ORDER BY ${table.shown.map((_, i) => `k${i}`).join(', ')} LIMIT $1`;
}

/**
 * Makes the live copy equal to the rebuilt one, touching only the rows that differ: rows the log
 * does not have go, rows that differ take the rebuilt values, rows missing come in. Readers keep
 * seeing the old rows until the transaction commits (no table lock); writers wait only on those rows.
 */
export function promotionStatements(pair: TablePair): string[] {
  const [live, rebuilt] = [relation(pair.live, pair.table), relation(pair.rebuilt, pair.table)];
  const columns = pair.columns.map(q);
  return [
    `DELETE FROM ${live} l WHERE NOT EXISTS (SELECT 1 FROM ${rebuilt} r WHERE ${keyMatch(pair)})`,
    `UPDATE ${live} l SET ${columns.map((c) => `${c} = r.${c}`).join(', ')} FROM ${rebuilt} r WHERE ${keyMatch(pair)} AND (${changed(pair)})`,
    `INSERT INTO ${live} (${columns.join(', ')}) SELECT ${columns.map((c) => `r.${c}`).join(', ')} FROM ${rebuilt} r
      WHERE NOT EXISTS (SELECT 1 FROM ${live} l WHERE ${keyMatch(pair)})`,
  ];
}
