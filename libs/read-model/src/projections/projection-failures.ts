import type { RecordedEvent } from '@app/event-store/event-store.port';
import type { SqlExecutor } from '@app/platform/database/sql-database';
import type { ProjectionErrorDescription } from './projection-error';

/** An event set aside by the projector: it failed, or it came later in a stream that had failed. */
export interface QuarantinedEvent {
  readonly position: number;
  readonly streamId: string;
  readonly eventType: string;
  /** For a held event: the position of its stream's failure. */
  readonly heldBehind?: number;
  readonly errorClass?: string;
  readonly errorCode?: string;
}

/** One failed event, as readiness lists it: no stream id (readiness is unauthenticated), no values. */
export interface ProjectionFailure {
  readonly position: number;
  readonly eventType: string;
  readonly errorClass: string;
  readonly errorCode: string;
  readonly recordedAt: string;
  /** Later events of the same stream waiting behind this one. */
  readonly heldEvents: number;
}

/** The quarantine in numbers, for readiness now and metrics later. */
export interface ProjectionFailureReport {
  /** Users (or IdPs) whose read-model row is frozen at its last good state. */
  readonly quarantinedStreams: number;
  /** Failed events plus the events held behind them. */
  readonly quarantinedEvents: number;
  /** The earliest quarantined log position, when there is one. */
  readonly firstPosition?: number;
  /** The first failures in log order. */
  readonly failures: readonly ProjectionFailure[];
}

/** A quarantined stream, by its failed event: what readiness lists (without the id) and the re-projection works on. */
export interface QuarantinedStream {
  readonly streamId: string;
  readonly failedPosition: number;
  readonly eventType: string;
  readonly errorClass: string;
  readonly errorCode: string;
  readonly recordedAt: string;
  readonly heldEvents: number;
}

const LISTED_FAILURES = 10;

/** The failure position of each of `streamIds` that is quarantined. */
export async function quarantinedAmong(tx: SqlExecutor, streamIds: readonly string[]): Promise<Map<string, number>> {
  if (streamIds.length === 0) return new Map();
  const rows = await tx.query<{ stream_id: string; position: number }>(
    'SELECT stream_id, position FROM projection_failures WHERE held_behind IS NULL AND stream_id = ANY($1::text[])',
    [streamIds],
  );
  return new Map(rows.map((row) => [row.stream_id, Number(row.position)]));
}

/** Records a failed event (with its error) or a held one; false when it was already recorded. */
export async function recordQuarantined(tx: SqlExecutor, event: QuarantinedEvent): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO projection_failures (position, stream_id, event_type, held_behind, error_class, error_code)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (position) DO NOTHING RETURNING position`,
    [event.position, event.streamId, event.eventType, event.heldBehind ?? null, event.errorClass ?? null, event.errorCode ?? null],
  );
  return rows.length > 0;
}

export function failedEvent(event: RecordedEvent, error: ProjectionErrorDescription): QuarantinedEvent {
  return { position: event.position, streamId: event.streamId, eventType: event.type, errorClass: error.errorClass, errorCode: error.errorCode };
}

export function heldEvent(event: RecordedEvent, failurePosition: number): QuarantinedEvent {
  return { position: event.position, streamId: event.streamId, eventType: event.type, heldBehind: failurePosition };
}

/** The position of the failure that keeps the event at `position` out of the read model, if any. */
export async function failureBehind(db: SqlExecutor, position: number): Promise<number | undefined> {
  const [row] = await db.query<{ failure: number }>('SELECT coalesce(held_behind, position) AS failure FROM projection_failures WHERE position = $1', [
    position,
  ]);
  return row && Number(row.failure);
}

export async function reportFailures(db: SqlExecutor): Promise<ProjectionFailureReport> {
  const [totals] = await db.query<{ streams: number; events: number; first: number | null }>(
    'SELECT count(DISTINCT stream_id)::int AS streams, count(*)::int AS events, min(position) AS first FROM projection_failures',
  );
  const listed = await listQuarantinedStreams(db, LISTED_FAILURES);
  return {
    quarantinedStreams: Number(totals.streams),
    quarantinedEvents: Number(totals.events),
    ...(totals.first === null ? {} : { firstPosition: Number(totals.first) }),
    failures: listed.map((stream) => ({
      position: stream.failedPosition,
      eventType: stream.eventType,
      errorClass: stream.errorClass,
      errorCode: stream.errorCode,
      recordedAt: stream.recordedAt,
      heldEvents: stream.heldEvents,
    })),
  };
}

/** The quarantined streams in the order they failed, `limit` of them at most. */
export async function listQuarantinedStreams(db: SqlExecutor, limit?: number): Promise<QuarantinedStream[]> {
  const rows = await db.query<{
    stream_id: string;
    position: number;
    event_type: string;
    error_class: string;
    error_code: string;
    recorded_at: Date | string;
    held: number;
  }>(
    `SELECT f.stream_id, f.position, f.event_type, f.error_class, f.error_code, f.recorded_at,
            (SELECT count(*)::int FROM projection_failures h WHERE h.held_behind = f.position) AS held
     FROM projection_failures f WHERE f.held_behind IS NULL ORDER BY f.position LIMIT $1`,
    [limit ?? null],
  );
  return rows.map((row) => ({
    streamId: row.stream_id,
    failedPosition: Number(row.position),
    eventType: row.event_type,
    errorClass: row.error_class,
    errorCode: row.error_code,
    recordedAt: new Date(row.recorded_at).toISOString(),
    heldEvents: Number(row.held),
  }));
}

/** The last quarantined position of a stream; undefined once it is no longer quarantined. */
export async function lastQuarantinedPosition(tx: SqlExecutor, streamId: string): Promise<number | undefined> {
  const [row] = await tx.query<{ last: number | null }>('SELECT max(position) AS last FROM projection_failures WHERE stream_id = $1', [streamId]);
  return row.last === null ? undefined : Number(row.last);
}

/** Lifts a stream's quarantine (its events have been applied). */
export async function releaseStream(tx: SqlExecutor, streamId: string): Promise<void> {
  await tx.query('DELETE FROM projection_failures WHERE stream_id = $1', [streamId]);
}
