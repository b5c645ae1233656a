import type { SqlExecutor } from '@app/platform/database/sql-database';

/**
 * The revision up to which each stream's rows are built, locked for this transaction (rows are
 * created at -1 for streams not seen yet, so an inline write and a projector serialise on them).
 * Keys are locked in sorted order: projectors locking many never deadlock one another.
 */
export async function lockProjectedStreams(tx: SqlExecutor, streamIds: readonly string[]): Promise<Map<string, number>> {
  if (streamIds.length === 0) return new Map();
  const rows = await tx.query<{ stream_id: string; revision: number }>(
    `INSERT INTO projected_streams (stream_id, revision) SELECT s, -1 FROM unnest($1::text[]) AS s ORDER BY s
     ON CONFLICT (stream_id) DO UPDATE SET revision = projected_streams.revision RETURNING stream_id, revision`,
    [[...new Set(streamIds)].sort()],
  );
  return new Map(rows.map((row) => [row.stream_id, Number(row.revision)]));
}

/** Records that the stream's rows are built up to `revision` (its row is locked by this transaction). */
export async function markProjected(tx: SqlExecutor, streamId: string, revision: number): Promise<void> {
  await tx.query('UPDATE projected_streams SET revision = $2 WHERE stream_id = $1', [streamId, revision]);
}
