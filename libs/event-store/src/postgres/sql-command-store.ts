import type { SqlDatabase, SqlExecutor, SqlProcedure } from '@app/platform/database/sql-database';
import { runProcedure } from '@app/platform/database/sql-procedure';
import type { CommandStore, CommittedWrite, ReadModelOutcome, StreamWrite } from '../command-handling/command-store.port';
import { ClaimTakenError } from '../command-handling/unique-claim';
import { ConcurrencyError } from '../concurrency.error';
import type { RecordedEvent } from '../event-store.port';
import { appendInTransaction, PostgresEventStore, readStreamAfter } from './postgres-event-store.adapter';

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
 * It commits all or nothing, so there are no reservation streams and no claim left by a crash.
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

/** The write's statements in the caller's transaction: events first, then claims, then the read model's rows. */
export async function writeInTransaction(tx: SqlExecutor, write: StreamWrite, project: InlineProjection): Promise<CommittedWrite> {
  // The append is the transaction's first write (it announces the appender before the transaction has an id).
  const { result, recorded } = await appendInTransaction(tx, write.streamId, write.events, write.expected);
  for (const claim of write.claim) await takeClaim(tx, claim.key, write.holder, write.takeOver.get(claim.key));
  if (write.release.length > 0) {
    await tx.query('DELETE FROM unique_claims WHERE claim_key = ANY($1::text[]) AND holder = $2', [write.release.map((c) => c.key), write.holder]);
  }
  // A re-append of the same event ids stored nothing new: the projector has (or will have) its rows.
  const readModel = recorded ? await project(tx, recorded, (after) => readStreamAfter(tx, write.streamId, after)) : 'pending';
  return { ...result, readModel };
}

/** The write's refusals as their own classes again after crossing a thread (see SqlProcedure.reviveError). */
export function reviveWriteError(error: Error & Record<string, unknown>): Error {
  if (error.name === 'ClaimTakenError') return new ClaimTakenError(String(error.key), String(error.holder), new Date(String(error.claimedAt)));
  if (error.name === 'ConcurrencyError') {
    return new ConcurrencyError(String(error.streamId), error.expected as ConcurrencyError['expected'], error.actual as ConcurrencyError['actual']);
  }
  return error;
}

/** Takes the value for `holder`, or over from `staleHolder`; a row held by anyone else is the refusal. */
async function takeClaim(tx: SqlExecutor, key: string, holder: string, staleHolder: string | undefined): Promise<void> {
  const taken = await tx.query(
    `INSERT INTO unique_claims (claim_key, holder) VALUES ($1, $2)
     ON CONFLICT (claim_key) DO UPDATE SET holder = EXCLUDED.holder, claimed_at = now()
     WHERE unique_claims.holder = EXCLUDED.holder OR unique_claims.holder = $3
     RETURNING 1`,
    [key, holder, staleHolder ?? null],
  );
  if (taken.length > 0) return;
  const [row] = await tx.query<{ holder: string; claimed_at: Date }>('SELECT holder, claimed_at FROM unique_claims WHERE claim_key = $1', [key]);
  throw new ClaimTakenError(key, row.holder, new Date(row.claimed_at));
}
