import type { ComparedTable } from './compared-tables';

/** How a row of the live read model differs from the one rebuilt from the log. */
export type DifferenceKind = 'missing-in-live' | 'missing-in-rebuilt' | 'differs';

/** One difference, named by its table and key; the columns that differ, never their values. */
export interface ReadModelDifference {
  readonly table: string;
  readonly key: Readonly<Record<string, string>>;
  readonly kind: DifferenceKind;
  /** For `differs`: the columns whose values differ. */
  readonly columns?: readonly string[];
}

/** A row of the comparison query (see differencesQuery): the shown key as k0…kn, the side missing, the columns that differ. */
export interface DifferenceRow {
  readonly [shownKey: `k${number}`]: string | null;
  readonly missing_live: boolean;
  readonly missing_rebuilt: boolean;
  readonly columns: readonly string[] | null;
}

export function toDifference(table: ComparedTable, row: DifferenceRow): ReadModelDifference {
  const key = Object.fromEntries(table.shown.map((column, i) => [column, row[`k${i}`] ?? '']));
  if (row.missing_live) return { table: table.name, key, kind: 'missing-in-live' };
  if (row.missing_rebuilt) return { table: table.name, key, kind: 'missing-in-rebuilt' };
  return { table: table.name, key, kind: 'differs', columns: [...(row.columns ?? [])] };
}
