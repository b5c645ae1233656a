import { isMainThread } from 'node:worker_threads';
import type { SqlDatabase, SqlProcedure } from './sql-database';

/** A refusal with fields of every kind that crosses a thread: number, string and Date. */
export class CounterRefused extends Error {
  constructor(
    readonly count: number,
    readonly refusedAt: Date,
  ) {
    super(`The counter would reach ${count}`);
    this.name = 'CounterRefused';
  }
}

/**
 * Adds to the counter and records the change in t, in one transaction; refuses (rolling both back)
 * past `limit`. Returns the new count and whether it ran on the main thread.
 */
export const bumpCounter: SqlProcedure<{ by: number; limit: number }, { count: number; onMainThread: boolean }> = {
  module: __filename,
  name: 'bumpCounter',
  run: (db: SqlDatabase, { by, limit }) =>
    db.transaction(async (tx) => {
      const [{ n }] = await tx.query<{ n: number }>('UPDATE counter SET n = n + $1 RETURNING n', [by]);
      await tx.query('INSERT INTO t VALUES ($1, $2)', [n, `bumped by ${by}`]);
      if (n > limit) throw new CounterRefused(n, new Date('2026-01-02T03:04:05.678Z'));
      return { count: n, onMainThread: isMainThread };
    }),
  reviveError: (error) => (error.name === 'CounterRefused' ? new CounterRefused(Number(error.count), new Date(String(error.refusedAt))) : error),
};

/** Runs one statement outside a transaction (a long one, or one that exhausts the worker's heap). */
export const runStatement: SqlProcedure<string, unknown[]> = {
  module: __filename,
  name: 'runStatement',
  run: (db, sql) => db.query(sql),
};
