import type { AppendResult, EventMetadata, ExpectedRevision, NewEvent, RecordedEvent } from '../event-store.port';
import type { UniqueClaim } from './unique-claim';

/** One command's effect on the write model: its events, and the unique values it takes and gives back. */
export interface StreamWrite {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
  /** Who holds the claims this write takes (the stream's entity id). */
  readonly holder: string;
  readonly claim: readonly UniqueClaim[];
  readonly release: readonly UniqueClaim[];
  /** Claims judged stale: key → the holder they may be taken from. */
  readonly takeOver: ReadonlyMap<string, string>;
  /** Provenance for the claim records that are events (reservation streams). */
  readonly metadata: EventMetadata;
  /**
   * The stream's events the write was decided on, when they were read: a store that builds the read
   * model with the write can derive the rows from them rather than read the rows first.
   */
  readonly history?: readonly RecordedEvent[];
}

/**
 * Where the read model stands after a write: `projected` in the same transaction (SQL stores),
 * `pending` for a catch-up projection to reach, or `held` behind an earlier failure of the stream
 * (its quarantine), the event being stored.
 */
export type ReadModelOutcome = 'projected' | 'pending' | 'held';

export interface CommittedWrite extends AppendResult {
  readonly readModel: ReadModelOutcome;
}

/**
 * The write model behind the command handler. `write` is all or nothing for the stream's events:
 * it throws ConcurrencyError when the stream is not at `expected` and ClaimTakenError when a value
 * to claim is held by another holder, and then has appended nothing to the stream.
 */
export interface CommandStore {
  readStream(streamId: string): Promise<RecordedEvent[]>;
  write(write: StreamWrite): Promise<CommittedWrite>;
}

export const COMMAND_STORE = Symbol('COMMAND_STORE');
