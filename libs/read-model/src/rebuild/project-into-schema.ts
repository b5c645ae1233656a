import type { RecordedEvent } from '@app/event-store/event-store.port';
import type { SqlExecutor, SqlProcedure } from '@app/platform/database/sql-database';
import { describeProjectionError } from '../projections/projection-error';
import { projectIsolated } from '../projections/project-isolated';
import { isProjected, projectEvent } from '../projections/read-model.projection';
import { useSchema } from './rebuild-schema';

/** One batch of the log for the rebuilt model, and the streams whose history already failed there. */
export interface RebuildBatch {
  readonly schema: string;
  readonly events: readonly RecordedEvent[];
  readonly failedStreams: readonly string[];
}

/**
 * Applies events to the read model in `schema` with the live projection's own code. As the live
 * projector does, a stream whose event fails for good (a data or limit error) keeps the rows
 * built before it and takes none of its later events; returns the streams that failed in this batch.
 * With `isolate`, each event runs under a savepoint (slower; needed once one has failed).
 */
export async function projectIntoSchema(tx: SqlExecutor, batch: RebuildBatch, isolate: boolean): Promise<string[]> {
  await useSchema(tx, batch.schema);
  const failed = new Set(batch.failedStreams);
  const failedNow: string[] = [];
  for (const event of batch.events) {
    if (!isProjected(event) || failed.has(event.streamId)) continue;
    if (!isolate) await projectEvent(tx, event);
    else if (!(await projectIsolated(tx, event, async () => undefined))) {
      failed.add(event.streamId);
      failedNow.push(event.streamId);
    }
  }
  return failedNow;
}

/**
 * A batch in one short transaction, as a procedure: on PGlite it runs whole in the database's thread
 * (one message, not one per statement). The whole batch at once; only when an event fails for good,
 * again with a savepoint per event.
 */
export const projectRebuildBatch: SqlProcedure<RebuildBatch, string[]> = {
  module: __filename,
  name: 'projectRebuildBatch',
  run: async (db, batch) => {
    try {
      return await db.transaction((tx) => projectIntoSchema(tx, batch, false));
    } catch (error) {
      if (!describeProjectionError(error).permanent) throw error;
    }
    return db.transaction((tx) => projectIntoSchema(tx, batch, true));
  },
};
