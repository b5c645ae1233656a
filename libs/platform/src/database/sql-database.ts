/**
 * The few things our stores need from PostgreSQL, served by a pg pool or by embedded PGlite alike.
 * A server that cannot be reached, drops the connection or does not answer in time rejects with
 * DatabaseUnavailableError; SQL errors (constraints, data, syntax) reject as the driver raised them.
 */
export interface SqlExecutor {
  /**
   * Runs one statement. With `name`, a PostgreSQL server parses (and, once it settles on a generic
   * plan, plans) it once per connection and keeps it there for the connection's life: give names
   * only to a bounded set of fixed texts, one text per name. PGlite ignores the name.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], name?: string): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  /** Per-statement timeout for this transaction instead of the configured one (long migrations). */
  readonly timeoutMs?: number;
}

export interface SqlDatabase extends SqlExecutor {
  /**
   * Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws.
   * When the outcome of the COMMIT is unknown (the connection failed during it) it rejects, so a
   * caller never reports as done a change that may be lost.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}
