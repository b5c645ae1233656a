import type { SqlExecutor } from '@app/platform/database/sql-database';
import type { JournalCursor } from './journal-cursor';
import type { JournalEntry, JournalRecord } from './journal-entry';
import { identifiersOfKeys, keysOf, requestKey, USER_KEY_PREFIX } from './journal-keys';

/** A status class (4xx: 400–499) or one code. */
export interface StatusRange {
  readonly min: number;
  readonly max: number;
}

/** A search: entries carrying any of `keys` (see journal-keys.ts), narrowed by IdP, time window (inclusive) and status. */
export interface JournalQuery {
  readonly keys?: readonly string[];
  readonly providerId?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly status?: StatusRange;
  readonly limit: number;
  readonly after?: JournalCursor;
}

/** The columns as one batch's JSON carries them (jsonb_to_recordset), so an insert is one statement with one parameter. */
const COLUMNS = [
  ['at', 'timestamptz'],
  ['request_id', 'text'],
  ['provider_id', 'text'],
  ['token_id', 'text'],
  ['client_address', 'text'],
  ['method', 'text'],
  ['path', 'text'],
  ['status', 'smallint'],
  ['scim_type', 'text'],
  ['detail', 'text'],
  ['duration_ms', 'integer'],
  ['identifiers', 'jsonb'],
  ['body', 'text'],
  ['body_truncated', 'boolean'],
] as const;

type Row = { [Column in (typeof COLUMNS)[number][0]]: unknown } & { seq: string | number };

const INSERT =
  `INSERT INTO request_journal (${COLUMNS.map(([name]) => name).join(', ')}) ` +
  `SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`;

const SELECT = `SELECT seq, ${COLUMNS.map(([name]) => name).join(', ')} FROM request_journal`;

/** What one search found, and where it stopped reading when it read no further. */
export interface JournalFound {
  readonly records: JournalRecord[];
  /** Set when the search read MAX_SCANNED rows without looking past this one: more may match after it. */
  readonly scannedTo?: JournalCursor;
}

/** Rows one search reads at most when no index serves its filter (a status class over an IdP or a window). */
export const MAX_SCANNED = 10_000;

const whereClause = (conditions: readonly string[]) => (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '');

/** Ids following a mail (or userName, externalId) to the user: at most this many. */
const MAX_FOLLOWED_IDS = 100;

/** The journal's table: batches in, searches and pruning out. Every statement is answered through an index. */
export class JournalStore {
  constructor(private readonly db: SqlExecutor) {}

  /** One statement for the whole batch. */
  async append(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.query(INSERT, [JSON.stringify(entries.map(toRow))], 'journal_append');
  }

  /**
   * Entries in time order (at, then seq), at most `limit`. A status filter without identifiers is
   * the one condition no index serves: such a search reads at most MAX_SCANNED rows of the IdP's or
   * the window's in time order, and says where it stopped (`scannedTo`), so no search holds the
   * database (PGlite's one thread) for long; the next page goes on from there.
   */
  async search(query: JournalQuery): Promise<JournalFound> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const range: string[] = [];
    if (query.providerId !== undefined) range.push(`provider_id = ${param(query.providerId)}`);
    if (query.from) range.push(`at >= ${param(query.from.toISOString())}`);
    if (query.to) range.push(`at <= ${param(query.to.toISOString())}`);
    if (query.after) {
      const at = param(query.after.at.toISOString());
      // at >= … first, so the time indexes bound the scan; the OR only breaks ties.
      range.push(`at >= ${at} AND (at > ${at} OR seq > ${param(query.after.seq)})`);
    }
    const scannedTo = query.status && !query.keys ? await this.scanEdge(range, [...params]) : undefined;
    const where = [...range];
    if (scannedTo) {
      const at = param(scannedTo.at.toISOString());
      where.push(`at <= ${at} AND (at < ${at} OR seq <= ${param(scannedTo.seq)})`);
    }
    if (query.keys) where.push(`identifiers ?| ${param(query.keys)}::text[]`);
    if (query.status) where.push(`status BETWEEN ${param(query.status.min)} AND ${param(query.status.max)}`);
    const rows = await this.db.query<Row>(`${SELECT}${whereClause(where)} ORDER BY at, seq LIMIT ${param(query.limit)}`, params);
    return { records: rows.map(toRecord), scannedTo };
  }

  /** The MAX_SCANNED-th row in range, when there are that many: where a scan stops. */
  private async scanEdge(range: readonly string[], params: unknown[]): Promise<JournalCursor | undefined> {
    const [edge] = await this.db.query<{ at: string; seq: string }>(
      `SELECT at, seq FROM request_journal${whereClause(range)} ORDER BY at, seq OFFSET ${MAX_SCANNED - 1} LIMIT 1`,
      params,
    );
    return edge && { at: new Date(edge.at), seq: Number(edge.seq) };
  }

  /** The user ids carried by the requests that carried any of `keys` (a POST's created id, a PUT's path): how a mail leads to the PATCHes by id. */
  async userIdsCarriedWith(keys: readonly string[], providerId?: string): Promise<string[]> {
    const rows = await this.db.query<{ key: string }>(
      `SELECT DISTINCT k.key FROM request_journal j, jsonb_array_elements_text(j.identifiers) AS k(key)
        WHERE j.identifiers ?| $1::text[] AND ($2::text IS NULL OR j.provider_id = $2) AND starts_with(k.key, $3) LIMIT ${MAX_FOLLOWED_IDS}`,
      [keys, providerId ?? null, USER_KEY_PREFIX],
    );
    return rows.map((row) => row.key.slice(USER_KEY_PREFIX.length));
  }

  async findByRequestId(requestId: string): Promise<JournalRecord | undefined> {
    const [row] = await this.db.query<Row>(`${SELECT} WHERE identifiers @> jsonb_build_array($1::text)`, [requestKey(requestId)]);
    return row && toRecord(row);
  }

  /**
   * Deletes up to `batch` entries older than `before`, oldest first, and returns how many. Rows
   * another process is deleting are skipped (SKIP LOCKED), so replicas pruning at once neither wait
   * for nor deadlock with each other.
   */
  async pruneBefore(before: Date, batch: number): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `WITH doomed AS (DELETE FROM request_journal WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM request_journal WHERE at < $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED)) RETURNING 1)
       SELECT count(*)::int AS n FROM doomed`,
      [before.toISOString(), batch],
    );
    return Number(rows[0].n);
  }
}

function toRow(entry: JournalEntry): Omit<Row, 'seq'> {
  return {
    at: entry.at.toISOString(),
    request_id: entry.requestId,
    provider_id: entry.providerId,
    token_id: entry.tokenId,
    client_address: entry.clientAddress,
    method: entry.method,
    path: entry.path,
    status: entry.status,
    scim_type: entry.scimType,
    detail: entry.detail,
    duration_ms: entry.durationMs,
    identifiers: keysOf(entry.requestId, entry.identifiers),
    body: entry.body,
    body_truncated: entry.bodyTruncated,
  };
}

function toRecord(row: Row): JournalRecord {
  return {
    seq: Number(row.seq),
    at: new Date(row.at as string),
    requestId: row.request_id as string,
    providerId: row.provider_id as string | null,
    tokenId: row.token_id as string | null,
    clientAddress: row.client_address as string,
    method: row.method as string,
    path: row.path as string,
    status: Number(row.status),
    scimType: row.scim_type as string | null,
    detail: row.detail as string | null,
    durationMs: Number(row.duration_ms),
    identifiers: identifiersOfKeys(row.identifiers as string[]),
    body: row.body as string | null,
    bodyTruncated: row.body_truncated === true,
  };
}
