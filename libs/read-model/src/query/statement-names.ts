import type { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { createHash } from 'node:crypto';

/**
 * Prepared-statement names for SQL texts that are built at run time (compiled filters): a name per
 * distinct text, derived from its hash, given on the text's second use and to the first `max` texts
 * only. A PostgreSQL connection keeps every statement it prepared until it closes, so naming every
 * text would grow each connection without bound, and a text sent once would take a name for nothing;
 * other texts run unnamed (parsed and planned each time, as before).
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  /** Texts seen once, oldest first, at most `10 * max`. */
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  /** The name to prepare `sql` under, or undefined (first use, or the budget is spent on other texts). */
  nameOf(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined || this.names.size >= this.max) return known;
    if (!this.seen.delete(sql)) {
      this.seen.add(sql);
      if (this.seen.size > 10 * this.max) this.seen.delete(this.seen.values().next().value as string);
      return undefined;
    }
    const name = `q_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    this.names.set(sql, name);
    return name;
  }
}

/**
 * `db` with the statement texts sent through it prepared under names as StatementNames gives them; for a reader whose texts are few and repeat, such as the user read model:
 * `new UserReadModel(preparedStatements(db, 50))`.
 */
export function preparedStatements(db: SqlDatabase, max: number): SqlDatabase {
  const names = new StatementNames(max);
  return { ...namedStatements(db, names), transaction: (work, options) => db.transaction((tx) => work(namedStatements(tx, names)), options), close: () => db.close() };
}

/** `executor` with the texts sent through it prepared under the names `names` gives them. */
export function namedStatements(executor: SqlExecutor, names: StatementNames): SqlExecutor {
  return {
    query: (sql, params, name) => executor.query(sql, params, name ?? names.nameOf(sql)),
    exec: (sql) => executor.exec(sql),
  };
}
