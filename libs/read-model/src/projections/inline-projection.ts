import type { RecordedEvent } from '@app/event-store/event-store.port';
import type { StreamWrite } from '@app/event-store/command-handling/command-store.port';
import type { RowStatement } from '@app/event-store/postgres/postgres-event-store.adapter';
import { InlineProjection, reviveWriteError, WriteProcedure, writeInOneStatement, writeInTransaction } from '@app/event-store/postgres/sql-command-store';
import type { SqlExecutor } from '@app/platform/database/sql-database';
import { namedStatements, StatementNames } from '../query/statement-names';
import { ScimError } from '@app/scim/errors/scim-error';
import { describeProjectionError } from './projection-error';
import { heldEvent, recordQuarantined } from './projection-failures';
import { markProjected } from './projected-streams';
import { projectIsolated } from './project-isolated';
import { isProjected, projectEvent, userRowWrittenBy } from './read-model.projection';

/**
 * The read model's rows for a write, built in the write's own transaction by the same projection
 * code as the projector, so a write is readable once it commits. What cannot be projected is never
 * appended: a permanent failure of the write's own events rolls it back as a 400. A stream in
 * quarantine takes the write as held behind its failure (stored; the caller answers 503), as does a
 * stream whose earlier events, not yet projected, fail now. The projector skips what this built.
 */
export const projectInline: InlineProjection = async (tx, appended, earlier) => {
  const projected = appended.filter(isProjected);
  if (projected.length === 0) return 'projected';
  const streamId = projected[0].streamId;
  const last = projected[projected.length - 1].revision;
  const { revision: done, failure } = await lockStream(tx, streamId, projected[0].revision, last);
  if (done === last) return projectAll(tx, projected);
  if (failure !== undefined) return holdBehind(tx, projected, failure);
  const missed = done < projected[0].revision - 1 ? (await earlier(done)).filter((e) => isProjected(e) && e.revision < projected[0].revision) : [];
  for (const event of missed) {
    let failed: number | undefined;
    const projectedNow = await projectIsolated(tx, event, async (quarantined) => {
      failed = quarantined.position;
      await recordQuarantined(tx, quarantined);
    });
    if (!projectedNow) return holdBehind(tx, [...missed.filter((e) => e.revision > event.revision), ...projected], failed ?? event.position);
  }
  await projectAll(tx, projected);
  await markProjected(tx, streamId, last);
  return 'projected';
};

async function projectAll(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<'projected'> {
  try {
    for (const event of events) await projectEvent(tx, event);
  } catch (error) {
    if (!describeProjectionError(error).permanent) throw error;
    throw ScimError.invalidValue('The resource cannot be stored: one of its values is beyond what the read model can hold');
  }
  return 'projected';
}

/**
 * Locks the stream's projection row (made when new) and reads its quarantine failure, if any. A
 * stream whose rows are built up to just before `first` and that has no failure (every write after
 * the first, and a new stream) is marked built up to `last` in the same statement: the revision
 * returned is then `last`, and a projection that fails afterwards rolls the whole write back. Any
 * other stream keeps its revision (-1 when new) for the caller to catch up.
 */
async function lockStream(tx: SqlExecutor, streamId: string, first: number, last: number): Promise<{ revision: number; failure?: number }> {
  // A stream this write creates has no row and no failure yet: one plain insert (PGlite plans every statement anew).
  if (first === 0) {
    const made = projectedStreamMade(streamId, last);
    const [created] = await tx.query(made.sql, made.params);
    if (created) return { revision: last };
  }
  const [row] = await tx.query<{ revision: number; failure: number | null }>(
    `WITH failure AS (SELECT min(position) AS position FROM projection_failures WHERE stream_id = $1 AND held_behind IS NULL)
     INSERT INTO projected_streams (stream_id, revision)
     SELECT $1, CASE WHEN $2::bigint = 0 AND failure.position IS NULL THEN $3::bigint ELSE -1 END FROM failure
     ON CONFLICT (stream_id) DO UPDATE SET revision =
       CASE WHEN projected_streams.revision = $2::bigint - 1 AND (SELECT position FROM failure) IS NULL THEN $3::bigint ELSE projected_streams.revision END
     RETURNING revision, (SELECT position FROM failure) AS failure`,
    [streamId, first, last],
  );
  return { revision: Number(row.revision), ...(row.failure === null ? {} : { failure: Number(row.failure) }) };
}

/** A new stream's projection row, built up to `revision`: returned when the stream had none. */
function projectedStreamMade(streamId: string, revision: number): RowStatement {
  return { sql: 'INSERT INTO projected_streams (stream_id, revision) VALUES ($1, $2) ON CONFLICT (stream_id) DO NOTHING RETURNING revision', params: [streamId, revision] };
}

/** A stream's projection row moved on from `expected` by one event, when no failure holds it: returned when it was at `expected`. */
function projectedStreamMoved(streamId: string, expected: number): RowStatement {
  return {
    sql: `UPDATE projected_streams SET revision = $2::bigint + 1 WHERE stream_id = $1 AND revision = $2
      AND NOT EXISTS (SELECT FROM projection_failures WHERE stream_id = $1 AND held_behind IS NULL) RETURNING revision`,
    params: [streamId, expected],
  };
}

/**
 * The read model's rows for a write of one user event, written with it in one statement (see
 * writeInOneStatement), when the projection needs nothing read for them: the stream's projection
 * row and the user's row, each returned only when found where the write expects it.
 */
function oneStatementRows(write: StreamWrite): RowStatement[] | undefined {
  if (write.expected === 'any' || write.events.length !== 1) return undefined;
  const row = userRowWrittenBy(write.events[0], write.expected, write.history ?? []);
  return row && [write.expected === 'noStream' ? projectedStreamMade(write.streamId, 0) : projectedStreamMoved(write.streamId, write.expected), row];
}

async function holdBehind(tx: SqlExecutor, events: readonly RecordedEvent[], failure: number): Promise<'held'> {
  for (const event of events) await recordQuarantined(tx, heldEvent(event, failure));
  return 'held';
}

/**
 * A write sends the same few texts every time (append, claims, projection): PostgreSQL parses and
 * plans each once per connection instead of once per statement. PGlite ignores the names.
 */
const WRITE_STATEMENTS = new StatementNames(32);

/**
 * The SQL stores' write with this projection, as one procedure: on PGlite it runs whole in the
 * database's thread (this module is loaded there too), on PostgreSQL here.
 */
export const writeWithInlineProjection: WriteProcedure = {
  module: __filename,
  name: 'writeWithInlineProjection',
  run: async (db, write) =>
    (await writeInOneStatement(namedStatements(db, WRITE_STATEMENTS), write, oneStatementRows(write))) ??
    db.transaction((tx) => writeInTransaction(namedStatements(tx, WRITE_STATEMENTS), write, projectInline)),
  reviveError: (error) =>
    error.name === 'ScimError' ? new ScimError(Number(error.status), String(error.detail), error.scimType as ScimError['scimType']) : reviveWriteError(error),
};
