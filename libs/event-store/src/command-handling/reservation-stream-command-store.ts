import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../concurrency.error';
import type { EventStore, RecordedEvent } from '../event-store.port';
import type { CommandStore, CommittedWrite, StreamWrite } from './command-store.port';
import { foldStream, StreamModel, TypedEvent } from './typed-stream';
import { ClaimTakenError, UniqueClaim } from './unique-claim';

// Rival claimers of one value append to its reservation stream at once: each retry reads the winner.
const CLAIM_ATTEMPTS = 10;

/**
 * Claims as reservation streams, for any event store (EventStoreDB has no transaction across
 * streams): each value is a stream appended with an expected revision before the entity's stream,
 * released after it. A crash between the two leaves a claim that the holder's rules judge stale.
 * The read model is not touched: it is `pending` for a catch-up projection.
 */
export class ReservationStreamCommandStore<ReservationEvent extends TypedEvent> implements CommandStore {
  constructor(
    private readonly events: EventStore,
    /** Folds a reservation stream into its holder. */
    private readonly reservations: StreamModel<string | undefined, ReservationEvent>,
  ) {}

  readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.events.readStream(streamId);
  }

  async write(write: StreamWrite): Promise<CommittedWrite> {
    let result;
    try {
      for (const claim of write.claim) await this.reserve(write, claim);
      result = await this.events.appendToStream(write.streamId, write.events, write.expected);
    } catch (error) {
      // A refused claim or a conflict means nothing was written: give back what this attempt claimed,
      // so it blocks no value. After any other failure the write may have landed; the claims stay.
      if (error instanceof ConcurrencyError || error instanceof ClaimTakenError) {
        for (const claim of write.claim) await this.unreserve(write, claim);
      }
      throw error;
    }
    for (const claim of write.release) await this.unreserve(write, claim);
    return { ...result, readModel: 'pending' };
  }

  private async reserve(write: StreamWrite, claim: UniqueClaim): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.events.readStream(claim.key);
      const holder = foldStream(this.reservations, recorded);
      if (holder === write.holder) return;
      if (holder !== undefined && write.takeOver.get(claim.key) !== holder) {
        throw new ClaimTakenError(claim.key, holder, recorded[recorded.length - 1].recordedAt);
      }
      try {
        await this.events.appendToStream(claim.key, [this.recordOf(write, claim.reserved)], expectedAfter(recorded));
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= CLAIM_ATTEMPTS) throw error;
      }
    }
  }

  private async unreserve(write: StreamWrite, claim: UniqueClaim): Promise<void> {
    const recorded = await this.events.readStream(claim.key);
    if (foldStream(this.reservations, recorded) !== write.holder) return;
    try {
      await this.events.appendToStream(claim.key, [this.recordOf(write, claim.released)], expectedAfter(recorded));
    } catch (error) {
      // Someone claimed it meanwhile (a stale take-over): the release has nothing left to do.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }

  private recordOf(write: StreamWrite, event: TypedEvent) {
    return { id: randomUUID(), type: event.type, data: event.data, metadata: write.metadata };
  }
}

function expectedAfter(recorded: readonly { revision: number }[]): number | 'noStream' {
  return recorded.length === 0 ? 'noStream' : recorded[recorded.length - 1].revision;
}
