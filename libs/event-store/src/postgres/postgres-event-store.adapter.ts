import { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { ConcurrencyError } from '../concurrency.error';
import { AppendResult, CatchUpOptions, EventHandler, EventStore, ExpectedRevision, NewEvent, RecordedEvent, Unsubscribe } from '../event-store.port';
import { pollAll } from './polling-subscription';

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: NewEvent['metadata'];
  recorded_at: Date;
}

const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';

/**
 * The event log in PostgreSQL. Every append takes the single log-head row lock for its transaction,
 * so global positions are gapless and become visible in order: a reader that has seen position N
 * has seen every event before it. That caps appends at one transaction at a time.
 */
export class PostgresEventStore implements EventStore {
  constructor(private readonly db: SqlDatabase) {}

  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.db.transaction(async (tx) => (await appendInTransaction(tx, streamId, events, expected)).result);
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    const rows = await this.db.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = $1 ORDER BY revision`, [streamId]);
    return rows.map(toRecorded);
  }

  async readAll(afterPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
      [afterPosition, maxCount],
    );
    return rows.map(toRecorded);
  }

  subscribeToAll(fromPosition: number, onEvent: EventHandler, options?: CatchUpOptions): Unsubscribe {
    return pollAll((after, max) => this.readAll(after, max), fromPosition, onEvent, options);
  }
}

function matches(expected: ExpectedRevision, current: number | 'noStream'): boolean {
  if (expected === 'any') return true;
  return expected === current;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: Number(row.position),
    recordedAt: new Date(row.recorded_at),
  };
}

/**
 * Appends inside the caller's transaction (the command store adds claims and the read model to it).
 * Every append takes the single log-head row lock until its transaction ends, so global positions
 * are gapless and become visible in order. `recorded` is absent when the same event ids were
 * appended before (an idempotent retry), which stored nothing new.
 */
export async function appendInTransaction(
  tx: SqlExecutor,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<{ result: AppendResult; recorded?: RecordedEvent[] }> {
  if (events.length === 0) throw new Error('appendToStream needs at least one event');
  const [head] = await tx.query<{ position: number }>('SELECT position FROM event_log_head WHERE id = 1 FOR UPDATE');
  const existing = await alreadyAppended(tx, streamId, events);
  if (existing) return { result: existing };
  const [stream] = await tx.query<{ revision: number }>('SELECT revision FROM event_streams WHERE stream_id = $1', [streamId]);
  const current = stream ? Number(stream.revision) : 'noStream';
  if (!matches(expected, current)) throw new ConcurrencyError(streamId, expected, current);
  const firstRevision = current === 'noStream' ? 0 : current + 1;
  const firstPosition = Number(head.position) + 1;
  const recorded: RecordedEvent[] = [];
  for (const [i, event] of events.entries()) {
    const [row] = await tx.query<{ recorded_at: Date }>(
      'INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING recorded_at',
      [firstPosition + i, streamId, firstRevision + i, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
    );
    recorded.push({ ...event, streamId, revision: firstRevision + i, position: firstPosition + i, recordedAt: new Date(row.recorded_at) });
  }
  const revision = firstRevision + events.length - 1;
  await tx.query(
    'INSERT INTO event_streams (stream_id, revision) VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision',
    [streamId, revision],
  );
  const position = firstPosition + events.length - 1;
  await tx.query('UPDATE event_log_head SET position = $1 WHERE id = 1', [position]);
  return { result: { revision, position }, recorded };
}

/** The stream's events after `revision`, read in the caller's transaction. */
export async function readStreamAfter(tx: SqlExecutor, streamId: string, revision: number): Promise<RecordedEvent[]> {
  const rows = await tx.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND revision > $2 ORDER BY revision`, [streamId, revision]);
  return rows.map(toRecorded);
}

/** Idempotent append: a retried request with the same event ids gets the first outcome back. */
async function alreadyAppended(tx: SqlExecutor, streamId: string, events: readonly NewEvent[]): Promise<AppendResult | undefined> {
  const ids = events.map((e) => e.id);
  const rows = await tx.query<{ stream_id: string; revision: number; position: number }>(
    'SELECT stream_id, revision, position FROM events WHERE event_id = ANY($1::uuid[]) ORDER BY position',
    [ids],
  );
  if (rows.length === 0) return undefined;
  const last = rows[rows.length - 1];
  if (rows.length !== events.length || last.stream_id !== streamId) {
    throw new ConcurrencyError(streamId, 'any', Number(last.revision));
  }
  return { revision: Number(last.revision), position: Number(last.position) };
}
