import type { SqlDatabase, SqlProcedure } from './sql-database';

/** Runs the procedure where the database runs its work: in its own thread when it has one, else here. */
export function runProcedure<Args, Result>(db: SqlDatabase, procedure: SqlProcedure<Args, Result>, args: Args): Promise<Result> {
  return db.runProcedure ? db.runProcedure(procedure, args) : procedure.run(db, args);
}
