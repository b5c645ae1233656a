import { DatabaseUnavailableError } from '@app/platform/database/database-unavailable.error';
import { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { ConcurrencyError } from '../concurrency.error';
import { AppendResult, CatchUpOptions, EventHandler, EventStore, ExpectedRevision, NewEvent, RecordedEvent, Unsubscribe } from '../event-store.port';
import { pollAll } from './polling-subscription';
import { claimsCte, ClaimsToTake, refuseUnclaimed, takeClaims } from './unique-claims';

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
 * The event log in PostgreSQL (server or PGlite). Appends to different streams run concurrently;
 * global positions increase with the appending transaction's id, with gaps, and readAll shows them
 * in an order no later commit can insert into (see appendInTransaction and readAll).
 */
export class PostgresEventStore implements EventStore {
  constructor(private readonly db: SqlDatabase) {}

  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.db.transaction(async (tx) => (await appendInTransaction(tx, streamId, events, expected)).result);
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    // Every write reads its stream first: one fixed text, prepared once per connection.
    const rows = await this.db.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = $1 ORDER BY revision`, [streamId], 'event_log_read_stream');
    return rows.map(toRecorded);
  }

  /**
   * Only events below the oldest appender still running: first the bound (the smallest transaction
   * id of a running appender of this database, else the next id to be assigned: an appender that has
   * none yet gets a larger one), then, in a later snapshot, the events below it. Whatever commits
   * after that has a position past the bound, so a reader that has seen position N never finds an
   * event before N later. A slow appender delays what readers see, never what they get.
   */
  async readAll(afterPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    const bound = await this.visibleBound();
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE position > $1 AND position < $3::bigint * $4 ORDER BY position LIMIT $2`,
      [afterPosition, maxCount, bound, TRANSACTION_SHIFT],
    );
    return rows.map(toRecorded);
  }

  /** Under the same bound as readAll, so nothing at or before it can appear later. */
  async headPosition(): Promise<number> {
    const bound = await this.visibleBound();
    const [{ head }] = await this.db.query<{ head: string | null }>('SELECT max(position) AS head FROM events WHERE position < $1::bigint * $2', [bound, TRANSACTION_SHIFT]);
    return Number(head ?? 0);
  }

  subscribeToAll(fromPosition: number, onEvent: EventHandler, options?: CatchUpOptions): Unsubscribe {
    return pollAll((after, max) => this.readAll(after, max), fromPosition, onEvent, options);
  }

  /** The transaction id below which every appender has finished (see readAll). */
  private async visibleBound(): Promise<string> {
    const [{ bound }] = await this.db.query<{ bound: string }>(
      `WITH next AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xid),
            appenders AS (
              -- A transaction holds the lock on its own id: pg_locks shows it to every role, unlike pg_stat_activity.
              SELECT t.transactionid::text::bigint AS xid32 FROM pg_locks l
              JOIN pg_locks t ON t.virtualtransaction = l.virtualtransaction AND t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted
              WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.granted
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
       SELECT least(next.xid, min(next.xid - ((next.xid % 4294967296) - appenders.xid32 + 4294967296) % 4294967296)) AS bound
       FROM next LEFT JOIN appenders ON true GROUP BY next.xid`,
      [...APPENDER_LOCK],
    );
    return bound;
  }
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

/** Positions are the appending transaction's id times 2^16 plus the event's index in it. */
const TRANSACTION_SHIFT = 65_536;
/** The advisory lock every appending transaction holds (shared) from its first statement: readers list appenders by it. */
const APPENDER_LOCK = [0x5c1e, 1] as const;

const INSERT_EVENT = `INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata)
  VALUES (pg_current_xact_id()::text::bigint * $7 + $8, $1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING RETURNING position, recorded_at`;
const INSERT_LAST_EVENT = `WITH inserted AS (${INSERT_EVENT}),
  moved AS (UPDATE event_streams SET revision = $9 WHERE stream_id = $1 AND EXISTS (SELECT FROM inserted))
  SELECT position, recorded_at FROM inserted`;
/** Announces the appender: a one-row relation whose source takes its lock ($10, $11), selected from before any write gives the transaction its id. */
const APPENDER = 'appender AS (SELECT pg_advisory_xact_lock_shared($10, $11))';
const INSERT_FIRST_EVENT = `INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata)
  SELECT pg_current_xact_id()::text::bigint * $7 + $8, stream_id, $2::bigint, $3::uuid, $4::text, $5::jsonb, $6::jsonb FROM stream
  ON CONFLICT (event_id) DO NOTHING RETURNING position, recorded_at`;

/**
 * The append's first statement when a revision is expected: the stream's row made (`noStream`) or
 * moved from the revision expected ($2 - 1), to its final revision $9, the first event, and the
 * write's claims (`claims`, a CTE selecting from `appender`), in one round trip. Each write selects
 * from `appender` first, so the lock comes before the transaction's id, which the event's position
 * then takes. One row back: `stream` false when the stream is not as expected, no position when the
 * event id is there already, the keys claimed.
 */
function firstAppendStatement(expected: 'noStream' | number, claims: string | undefined): string {
  return `${firstAppendCtes(expected, claims)}
    SELECT EXISTS (SELECT FROM stream) AS stream, position, recorded_at, ${claims ? 'ARRAY(SELECT claim_key FROM claims)' : "'{}'::text[]"} AS claimed
    FROM (SELECT) AS one LEFT JOIN inserted ON true`;
}

/** The WITH clause of the first statement: `appender`, `stream`, `inserted` (the first event) and `claims` when given. */
function firstAppendCtes(expected: 'noStream' | number, claims: string | undefined): string {
  const stream =
    expected === 'noStream'
      ? 'stream AS (INSERT INTO event_streams (stream_id, revision) SELECT $1, $9::bigint FROM appender ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id)'
      : 'stream AS (UPDATE event_streams SET revision = $9 FROM appender WHERE stream_id = $1 AND revision = $2::bigint - 1 RETURNING stream_id)';
  return `WITH ${APPENDER}, ${stream}, inserted AS (${INSERT_FIRST_EVENT})${claims ? `, ${claims}` : ''}`;
}

/**
 * A statement written beside an event by appendInOneStatement (the read model's rows): its own
 * parameters from $1, no `$` in its text but theirs, ending in RETURNING, and returning a row when
 * it wrote what it should.
 */
export interface RowStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * One event appended to a new stream (`noStream`) or at the stream's revision, with its claims
 * taken, `release` given back and `rows` written, as ONE statement: the write costs one round trip,
 * with no BEGIN or COMMIT around it (every round trip on a busy machine is a wait to be scheduled
 * again). It is one implicit transaction that stands only when the stream was as expected, the event
 * id unseen, every claim taken and every row written; anything else calls event_log_write_unsettled,
 * which fails the statement and leaves nothing of it. Then it resolves undefined, and the
 * transactional append (appendInTransaction) finds the outcome: a conflict, a refused claim, an
 * earlier identical append, or rows the projection writes otherwise. The FROM clause runs `inserted`
 * (and through it the appender's lock, before the transaction's id) before the select list reads
 * `claims` and the rows. An unavailable database rejects, as a COMMIT would.
 */
export async function appendInOneStatement(
  db: SqlExecutor,
  streamId: string,
  event: NewEvent,
  expected: 'noStream' | number,
  claims: ClaimsToTake,
  release: readonly string[],
  rows: readonly RowStatement[],
): Promise<AppendResult | undefined> {
  const revision = expected === 'noStream' ? 0 : expected + 1;
  const params: unknown[] = [streamId, revision, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), TRANSACTION_SHIFT, 1, revision, ...APPENDER_LOCK];
  const cte = claims.keys.length > 0 ? claimsCte(claims, params.length + 1, 'appender') : undefined;
  const settled = ['position IS NOT NULL'];
  if (cte) {
    params.push(...cte.params, claims.keys.length);
    settled.push(`(SELECT count(*) FROM claims) = $${params.length}::int`);
  }
  const more: string[] = [];
  if (release.length > 0) {
    params.push(release, claims.holder);
    more.push(`released AS (DELETE FROM unique_claims WHERE claim_key = ANY($${params.length - 1}::text[]) AND holder = $${params.length})`);
  }
  for (const [i, row] of rows.entries()) {
    const shift = params.length;
    params.push(...row.params);
    settled.push(`EXISTS (SELECT FROM row_${i})`);
    more.push(`row_${i} AS (${row.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`)})`);
  }
  try {
    const [{ position }] = await db.query<{ position: number }>(
      `${firstAppendCtes(expected, cte?.sql)}${more.map((m) => `, ${m}`).join('')}
      SELECT CASE WHEN ${settled.join(' AND ')} THEN position ELSE event_log_write_unsettled() END AS position
      FROM (SELECT) AS one LEFT JOIN inserted ON true`,
      params,
    );
    return { revision, position: Number(position) };
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) throw error;
    return undefined;
  }
}

/**
 * Appends inside the caller's transaction, as its first write and its only append (the command
 * store adds the read model after it), and takes `claims` with it. There is no log-wide lock: the
 * transaction announces itself as an appender (a shared advisory lock, before it has a transaction
 * id), locks the stream's row (a rival appender to the same stream waits, then sees the revision
 * move), and takes positions from its transaction id, so they increase with it (a second append in
 * the same transaction would collide on them, loudly). readAll shows an event only once no appender
 * with a smaller id can still commit; see readAll. `recorded` is absent when the same event ids were
 * appended before. A refused append is a ConcurrencyError before any refused claim.
 */
export async function appendInTransaction(
  tx: SqlExecutor,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  claims: ClaimsToTake = { keys: [], holder: '', takeOver: new Map() },
): Promise<{ result: AppendResult; recorded?: RecordedEvent[] }> {
  if (events.length === 0) throw new Error('appendToStream needs at least one event');
  if (events.length >= TRANSACTION_SHIFT) throw new Error(`One transaction appends at most ${TRANSACTION_SHIFT - 1} events`);
  // Every statement is a round trip (and on PGlite costs about as much as the work): the stream's
  // lock and revision check come before the events only when any revision will do.
  const current = typeof expected === 'number' ? expected : expected === 'any' ? await lockStreamRow(tx, streamId) : 'noStream';
  const firstRevision = current === 'noStream' ? 0 : current + 1;
  const revision = firstRevision + events.length - 1;
  const recorded: RecordedEvent[] = [];
  // The keys the first statement claimed; none when it did not take the claims (any revision will do).
  let claimed: readonly string[] | undefined;
  for (const [i, event] of events.entries()) {
    const params = [streamId, firstRevision + i, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), TRANSACTION_SHIFT, i + 1];
    let row: InsertedRow | undefined;
    if (i === 0 && expected !== 'any') ({ row, claimed } = await appendFirst(tx, expected, [...params, revision, ...APPENDER_LOCK], claims));
    else if (i === events.length - 1 && expected === 'any') [row] = await tx.query<InsertedRow>(INSERT_LAST_EVENT, [...params, revision]);
    else [row] = await tx.query<InsertedRow>(INSERT_EVENT, params);
    if (!row) {
      // Only the whole append again is the same append; its events are then all there is to find.
      const earlier = i === 0 ? await alreadyAppended(tx, streamId, events) : undefined;
      if (!earlier) throw new ConcurrencyError(streamId, i === 0 ? expected : 'any', i === 0 ? await revisionOf(tx, streamId) : current);
      await settleClaims(tx, claims, claimed);
      return { result: earlier };
    }
    recorded.push({ ...event, streamId, revision: firstRevision + i, position: Number(row.position), recordedAt: new Date(row.recorded_at) });
  }
  await settleClaims(tx, claims, claimed);
  return { result: { revision, position: recorded[recorded.length - 1].position }, recorded };
}

interface InsertedRow {
  position: number;
  recorded_at: Date;
}

/**
 * The first statement (see firstAppendStatement). No row when the stream is not as expected or the
 * event id is there already: a stream moved for an event id that is there is put back (this
 * transaction holds its row) for the caller to look.
 */
async function appendFirst(
  tx: SqlExecutor,
  expected: 'noStream' | number,
  params: unknown[],
  claims: ClaimsToTake,
): Promise<{ row?: InsertedRow; claimed: readonly string[] }> {
  const cte = claims.keys.length > 0 ? claimsCte(claims, params.length + 1, 'appender') : undefined;
  const [first] = await tx.query<{ stream: boolean; position: number | null; recorded_at: Date | null; claimed: string[] }>(
    firstAppendStatement(expected, cte?.sql),
    [...params, ...(cte?.params ?? [])],
  );
  if (first.position !== null && first.recorded_at !== null) return { row: { position: first.position, recorded_at: first.recorded_at }, claimed: first.claimed };
  if (first.stream && expected !== 'noStream') await tx.query('UPDATE event_streams SET revision = $2 WHERE stream_id = $1', [params[0], expected]);
  return { claimed: first.claimed };
}

/** A refused claim is the refusal once the append is not one: keys the first statement took are checked, else taken now. */
function settleClaims(tx: SqlExecutor, claims: ClaimsToTake, claimed: readonly string[] | undefined): Promise<void> {
  return claimed === undefined ? takeClaims(tx, claims) : refuseUnclaimed(tx, claims, claimed);
}

/**
 * Announces the appender (before the transaction has an id: see readAll) and locks the stream's row,
 * made at -1 when new (it never commits as such: the revision appended replaces it), so a rival
 * appender to the same stream waits, then sees the revision move. Its revision as found.
 */
async function lockStreamRow(tx: SqlExecutor, streamId: string): Promise<number | 'noStream'> {
  const [stream] = await tx.query<{ revision: number }>(
    `INSERT INTO event_streams (stream_id, revision) SELECT $1, -1 FROM (SELECT pg_advisory_xact_lock_shared($2, $3)) AS appender
     ON CONFLICT (stream_id) DO UPDATE SET revision = event_streams.revision RETURNING revision`,
    [streamId, ...APPENDER_LOCK],
  );
  return Number(stream.revision) < 0 ? 'noStream' : Number(stream.revision);
}

/** The stream's revision as this transaction sees it, for a refused append. */
async function revisionOf(tx: SqlExecutor, streamId: string): Promise<number | 'noStream'> {
  const [stream] = await tx.query<{ revision: number }>('SELECT revision FROM event_streams WHERE stream_id = $1', [streamId]);
  return stream && Number(stream.revision) >= 0 ? Number(stream.revision) : 'noStream';
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
