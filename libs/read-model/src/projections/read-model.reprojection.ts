import type { EventStore, RecordedEvent } from '@app/event-store/event-store.port';
import type { SqlDatabase } from '@app/platform/database/sql-database';
import { describeProjectionError } from './projection-error';
import { lastQuarantinedPosition, listQuarantinedStreams, QuarantinedStream, releaseStream } from './projection-failures';
import { lockCheckpoint } from './read-model.checkpoint';
import { lockProjectedStreams, markProjected } from './projected-streams';
import { forgetStream, projectEvent } from './read-model.projection';

/** What the re-projection did with one quarantined stream. */
export type ReprojectionResult =
  | { readonly streamId: string; readonly outcome: 'quarantined'; readonly stream: QuarantinedStream }
  | { readonly streamId: string; readonly outcome: 'reprojected'; readonly events: number }
  | { readonly streamId: string; readonly outcome: 'already-released' }
  | {
      readonly streamId: string;
      readonly outcome: 'still-failing';
      readonly position: number;
      readonly eventType: string;
      readonly errorClass: string;
      readonly errorCode?: string;
    };

// Events of a quarantined stream projected between our read of it and our lock send us back for a fresh read.
const READ_ATTEMPTS = 3;

/**
 * After a fix (a migration, a wider column, a dropped index), rebuilds every quarantined stream's
 * rows from its events up to the checkpoint, one transaction per stream, and lifts the quarantine of
 * those that now project; later events then project as usual. With `dryRun`, only lists them.
 * A transient error (the database going away) aborts the run by throwing.
 */
export async function reprojectQuarantined(
  db: SqlDatabase,
  events: EventStore,
  options: { readonly dryRun?: boolean } = {},
): Promise<ReprojectionResult[]> {
  const streams = await listQuarantinedStreams(db);
  if (options.dryRun) return streams.map((stream) => ({ streamId: stream.streamId, outcome: 'quarantined', stream }));
  const results: ReprojectionResult[] = [];
  for (const { streamId } of streams) results.push(await reprojectStream(db, events, streamId));
  return results;
}

async function reprojectStream(db: SqlDatabase, events: EventStore, streamId: string): Promise<ReprojectionResult> {
  for (let attempt = 1; ; attempt++) {
    // Read outside the transaction: embedded PGlite has one connection, held by an open transaction.
    const stream = await events.readStream(streamId);
    let current: RecordedEvent | undefined;
    try {
      const result = await db.transaction(async (tx): Promise<ReprojectionResult | 'stale'> => {
        // The projectors wait while this stream is rebuilt, so no event of it slips in between.
        const checkpoint = await lockCheckpoint(tx);
        // Inline writes to the stream wait too: they hold its row in projected_streams while they check its quarantine.
        await lockProjectedStreams(tx, [streamId]);
        const last = await lastQuarantinedPosition(tx, streamId);
        if (last === undefined) return { streamId, outcome: 'already-released' };
        if (last > (stream.at(-1)?.position ?? 0)) return 'stale';
        const covered = stream.filter((event) => event.position <= checkpoint);
        await forgetStream(tx, covered[0]);
        for (current of covered) await projectEvent(tx, current);
        await markProjected(tx, streamId, covered[covered.length - 1].revision);
        await releaseStream(tx, streamId);
        return { streamId, outcome: 'reprojected', events: covered.length };
      });
      if (result !== 'stale') return result;
      if (attempt >= READ_ATTEMPTS) throw new Error(`Stream ${streamId} kept changing while it was re-projected; run the re-projection again`);
    } catch (error) {
      const described = describeProjectionError(error);
      if (!described.permanent || !current) throw error;
      const { errorClass, errorCode } = described;
      return { streamId, outcome: 'still-failing', position: current.position, eventType: current.type, errorClass, errorCode };
    }
  }
}
