import type { RecordedEvent } from '@app/event-store/event-store.port';
import type { SqlExecutor } from '@app/platform/database/sql-database';
import { quoteIdentifier } from './rebuild-schema';

/**
 * Events of the SQL log after `afterPosition` that the caller's transaction sees, in position order.
 * Unlike readAll, no bound for appenders still running: in one REPEATABLE READ snapshot the live read
 * model holds exactly the committed events (each write projects inline, in its own transaction), so
 * the rebuild must take exactly those too, whatever their positions.
 */
export async function visibleEventsAfter(tx: SqlExecutor, schema: string, afterPosition: number, maxCount: number): Promise<RecordedEvent[]> {
  const rows = await tx.query<{ event: Omit<RecordedEvent, 'recordedAt'> & { recordedAt: string } }>(
    `SELECT json_build_object('position', position, 'streamId', stream_id, 'revision', revision, 'id', event_id, 'type', type,
              'data', data, 'metadata', metadata, 'recordedAt', recorded_at) AS event
       FROM ${quoteIdentifier(schema)}.events WHERE position > $1 ORDER BY position LIMIT $2`,
    [afterPosition, maxCount],
  );
  return rows.map(({ event }) => ({ ...event, position: Number(event.position), revision: Number(event.revision), recordedAt: new Date(event.recordedAt) }));
}
