import type { SqlExecutor } from '@app/platform/database/sql-database';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** The work one scan statement aims at: another IdP's statement queued behind it waits about this long (PGlite runs one at a time). */
export const SCAN_BATCH_TARGET_MS = 2;
/** Rows of the first batch, and the bounds of later ones (each sized from how long the last one took). */
export const SCAN_FIRST_BATCH_ROWS = 100;
const MIN_BATCH_ROWS = 10;
const MAX_BATCH_ROWS = 5000;

export interface ScanQuery {
  /** A boolean SQL expression over alias `u` and its parameters, numbered from $2 ($1 is the provider). */
  readonly where?: { readonly sql: string; readonly params: readonly unknown[] };
  /** 1-based. */
  readonly startIndex: number;
  readonly count: number;
}

export interface ScanOptions {
  /** Rows of the first batch ({@link SCAN_FIRST_BATCH_ROWS}); tests pass small ones to cross many batch edges. */
  readonly firstBatchRows?: number;
  /** Keeps every batch at `firstBatchRows` rather than sizing it by time (tests). */
  readonly fixedBatchRows?: boolean;
  /** Awaited before each batch but the first, after a turn of the event loop (see {@link scanUsers}). */
  readonly betweenBatches?: () => Promise<void>;
}

export interface ScanPage<Row> {
  readonly totalResults: number;
  readonly rows: readonly Row[];
}

type BatchRow<Row> = Row & { last_id: string | null; scanned: number; matched: number; user_id: string | null };

/**
 * A search over one IdP's users in keyset batches of its primary key (provider_id, user_id), in
 * user_id order, so no single statement scans more than a batch: on PGlite, which runs one
 * statement at a time and cannot stop one once started, another IdP's lookup or write waits behind
 * one batch (about {@link SCAN_BATCH_TARGET_MS}), not behind a whole scan. Between batches the
 * event loop takes a turn, so requests that arrived meanwhile queue their statements before the
 * next batch. `seen` restricts the rows as the single-statement list does; `columns` are selected
 * from the matching rows at positions startIndex..startIndex+count-1 only. Each batch is its own
 * statement (no snapshot across them, as with paging by startIndex): a row written during the
 * scan is counted at most once, in either state.
 */
export async function scanUsers<Row>(db: SqlExecutor, seen: string, columns: string, providerId: string, query: ScanQuery, options: ScanOptions = {}): Promise<ScanPage<Row>> {
  const params = [providerId, ...(query.where?.params ?? [])];
  const at = (offset: number) => `$${params.length + offset}`;
  const [after, limit, skip, take] = [at(1), at(2), at(3), at(4)];
  const hitColumns = columns.replace(/\bu\./g, 'h.');
  // Positions (ord) of this batch's hits in user_id order; the page's share of them joined to the batch's figures.
  const sql =
    `WITH batch AS (SELECT u.* FROM scim_users u WHERE ${seen} AND u.user_id > ${after}::text ORDER BY u.user_id LIMIT ${limit}::int), ` +
    `hits AS (SELECT u.*, row_number() OVER (ORDER BY u.user_id) AS ord FROM batch u WHERE ${query.where ? `(${query.where.sql})` : 'true'}), ` +
    `figures AS (SELECT (SELECT max(b.user_id) FROM batch b) AS last_id, (SELECT count(*) FROM batch)::int AS scanned, (SELECT count(*) FROM hits)::int AS matched) ` +
    `SELECT f.last_id, f.scanned, f.matched, ${hitColumns} FROM figures f LEFT JOIN hits h ON h.ord > ${skip}::int AND h.ord <= ${skip}::int + ${take}::int ORDER BY h.ord`;
  const first = query.startIndex - 1;
  const rows: Row[] = [];
  let batchRows = options.firstBatchRows ?? SCAN_FIRST_BATCH_ROWS;
  let lastId = '';
  let total = 0;
  for (;;) {
    const take = Math.max(0, query.count - rows.length);
    const started = performance.now();
    // Neither goes past the batch (no hit's ord does), so a startIndex beyond int4 stays a valid parameter.
    const skipHits = Math.min(batchRows, Math.max(0, first - total));
    const answer = await db.query<BatchRow<Row>>(sql, [...params, lastId, batchRows, skipHits, Math.min(batchRows, take)]);
    const elapsedMs = performance.now() - started;
    const { scanned, matched, last_id } = answer[0];
    rows.push(...answer.filter((row) => row.user_id !== null));
    total += Number(matched);
    if (Number(scanned) < batchRows || last_id === null) return { totalResults: total, rows };
    lastId = last_id;
    if (!options.fixedBatchRows) batchRows = nextBatchRows(batchRows, elapsedMs);
    // A turn of the event loop: what arrived meanwhile queues its statements before our next batch.
    await nextTurn();
    await options.betweenBatches?.();
  }
}

/** The next batch's rows from the last one's: toward SCAN_BATCH_TARGET_MS, at most doubling or halving at once. */
export function nextBatchRows(rows: number, elapsedMs: number): number {
  const scaled = rows * (SCAN_BATCH_TARGET_MS / Math.max(elapsedMs, 0.05));
  return Math.round(Math.min(MAX_BATCH_ROWS, Math.max(MIN_BATCH_ROWS, rows / 2, Math.min(rows * 2, scaled))));
}
