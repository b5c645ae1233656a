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
  /** Present when the database lives elsewhere (a thread) and runs procedures there; see runProcedure. */
  runProcedure?<Args, Result>(procedure: SqlProcedure<Args, Result>, args: Args): Promise<Result>;
  close(): Promise<void>;
}

/**
 * A piece of database work run as a whole where the database is (PGlite's worker thread), so it costs
 * one message there rather than one per statement. It is found again by `module` (the file that
 * exports it: pass `__filename`) and `name` (its export), since code does not cross threads; its
 * argument, result and errors do, by structured clone. `reviveError` turns an error that crossed
 * (an Error with the thrown one's `name` and primitive fields, Dates as ISO strings) back into what
 * callers catch.
 */
export interface SqlProcedure<Args, Result> {
  readonly module: string;
  readonly name: string;
  run(db: SqlDatabase, args: Args): Promise<Result>;
  reviveError?(error: Error & Record<string, unknown>): Error;
}
