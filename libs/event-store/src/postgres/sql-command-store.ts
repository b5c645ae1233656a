import type { SqlDatabase, SqlExecutor, SqlProcedure } from '@app/platform/database/sql-database';
import { runProcedure } from '@app/platform/database/sql-procedure';
import type { CommandStore, CommittedWrite, ReadModelOutcome, StreamWrite } from '../command-handling/command-store.port';
import { ClaimTakenError } from '../command-handling/unique-claim';
import { ConcurrencyError } from '../concurrency.error';
import type { RecordedEvent } from '../event-store.port';
import { appendInTransaction, appendInOneStatement, PostgresEventStore, readStreamAfter, RowStatement } from './postgres-event-store.adapter';
import type { ClaimsToTake } from './unique-claims';

/**
 * Builds the read model's rows for appended events inside the write's transaction; resolves `held`
 * when the stream is quarantined (the events are stored and wait behind its failure). `earlier`
 * reads the stream's events after a revision, for rows that are behind.
 */
export type InlineProjection = (
  tx: SqlExecutor,
  appended: readonly RecordedEvent[],
  earlier: (afterRevision: number) => Promise<RecordedEvent[]>,
) => Promise<Exclude<ReadModelOutcome, 'pending'>>;

/**
 * The write as one procedure (see writeInTransaction), so an embedded database in its own thread
 * runs it there in one message. Its module also builds the read model's rows, which this library
 * does not know: the read model defines it (writeWithInlineProjection).
 */
export type WriteProcedure = SqlProcedure<StreamWrite, CommittedWrite>;

/**
 * The write side on PostgreSQL or PGlite: one transaction per write holds the claims (rows under
 * the unique key of unique_claims: a rival's claim is a ClaimTakenError inside the transaction, a
 * rename releases the old value in it), the events, and the read model's rows (inline projection).
 * It commits all or nothing, so there are no reservation streams and no claim left by a crash. A
 * write of one event whose rows the read model can derive is that transaction as one statement
 * (writeInOneStatement).
 */
export class SqlCommandStore implements CommandStore {
  constructor(
    private readonly db: SqlDatabase,
    private readonly log: PostgresEventStore,
    private readonly procedure: WriteProcedure,
  ) {}

  readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.log.readStream(streamId);
  }

  write(write: StreamWrite): Promise<CommittedWrite> {
    return runProcedure(this.db, this.procedure, write);
  }
}

/** The write's statements in the caller's transaction: events and claims first (one statement), then the read model's rows. */
export async function writeInTransaction(tx: SqlExecutor, write: StreamWrite, project: InlineProjection): Promise<CommittedWrite> {
  const { result, recorded } = await appendInTransaction(tx, write.streamId, write.events, write.expected, claimsOf(write));
  if (write.release.length > 0) {
    await tx.query('DELETE FROM unique_claims WHERE claim_key = ANY($1::text[]) AND holder = $2', [write.release.map((c) => c.key), write.holder]);
  }
  // A re-append of the same event ids stored nothing new: the projector has (or will have) its rows.
  const readModel = recorded ? await project(tx, recorded, (after) => readStreamAfter(tx, write.streamId, after)) : 'pending';
  return { ...result, readModel };
}

/**
 * A write of one event, with the read model's `rows` for it, as one statement
 * (appendInOneStatement): a create or a change without a transaction around it. Undefined when the
 * write is of another kind, there are no such rows, or the statement did not stand: the caller then
 * writes it in a transaction (writeInTransaction).
 */
export async function writeInOneStatement(db: SqlExecutor, write: StreamWrite, rows: readonly RowStatement[] | undefined): Promise<CommittedWrite | undefined> {
  if (rows === undefined || write.expected === 'any' || write.events.length !== 1) return undefined;
  const release = write.release.map((claim) => claim.key);
  const result = await appendInOneStatement(db, write.streamId, write.events[0], write.expected, claimsOf(write), release, rows);
  return result && { ...result, readModel: 'projected' };
}

function claimsOf(write: StreamWrite): ClaimsToTake {
  return { keys: write.claim.map((claim) => claim.key), holder: write.holder, takeOver: write.takeOver };
}

/** The write's refusals as their own classes again after crossing a thread (see SqlProcedure.reviveError). */
export function reviveWriteError(error: Error & Record<string, unknown>): Error {
  if (error.name === 'ClaimTakenError') return new ClaimTakenError(String(error.key), String(error.holder), new Date(String(error.claimedAt)));
  if (error.name === 'ConcurrencyError') {
    return new ConcurrencyError(String(error.streamId), error.expected as ConcurrencyError['expected'], error.actual as ConcurrencyError['actual']);
  }
  return error;
}
