import { CommandHandler } from '@app/event-store/command-handling/command-handler';
import type { CommandStore } from '@app/event-store/command-handling/command-store.port';
import { ReservationStreamCommandStore } from '@app/event-store/command-handling/reservation-stream-command-store';
import type { EventMetadata, EventStore } from '@app/event-store/event-store.port';
import { IdentityProviderEvent, isIdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import { evolveIdentityProvider, IdentityProviderState, initialIdentityProviderState } from '@app/identity/identity-provider/identity-provider.state';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { evolveReservation, isReservationEvent } from '@app/identity/user/unique-value';
import type { ReadModelProjector } from '@app/read-model/projections/read-model.projector';
import { readYourWrites } from '@app/read-model/projections/read-your-writes';
import type { IdentityProviderDirectory } from '@app/read-model/store/identity-provider-directory';
import { randomUUID } from 'node:crypto';

// Two servers bootstrapping at once, or an admin beside a start-up: a retry decides against the winner's events.
const ATTEMPTS = 3;

const IDENTITY_PROVIDER_STREAM = { initial: initialIdentityProviderState, evolve: evolveIdentityProvider, accepts: isIdentityProviderEvent };

/** What an IdP write goes through; the stores opened by openStores have all of it. */
export interface IdentityProviderWriterStores {
  readonly events: EventStore;
  readonly projector: ReadModelProjector;
  /** A SQL store's one-transaction write side; without it the write is appended alone and the catch-up projection waited for, as on EventStoreDB. */
  readonly commands?: CommandStore;
  /** Told of every change, so that this process's cached token lookups drop the IdP at once (a revoke is effective on the next request). */
  readonly providers?: Pick<IdentityProviderDirectory, 'changed'>;
}

/** Who asked for a write, recorded on its events (an admin with its token id and label, say). */
export interface WriteProvenance {
  readonly actor: EventMetadata['actor'];
  readonly correlationId?: string;
  readonly clientAddress?: string;
}

/** Load → decide → append for one IdP stream, on behalf of an admin, an operator or the start-up bootstrap, through the command handler. */
export class IdentityProviderWriter {
  private readonly handler: CommandHandler;
  private readonly providers?: Pick<IdentityProviderDirectory, 'changed'>;

  constructor(
    stores: IdentityProviderWriterStores,
    /** The system actor's name when a write names no provenance. */
    private readonly actor: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    const store = stores.commands ?? new ReservationStreamCommandStore(stores.events, { initial: undefined, evolve: evolveReservation, accepts: isReservationEvent });
    this.handler = new CommandHandler(store, [readYourWrites(stores.projector)], ATTEMPTS);
    this.providers = stores.providers;
  }

  /** Appends what `decide` produces with optimistic concurrency, and returns the stream's state after it. */
  async write(
    providerId: string,
    decide: (state: IdentityProviderState) => IdentityProviderEvent[],
    provenance: WriteProvenance = { actor: { kind: 'system', name: this.actor } },
  ): Promise<IdentityProviderState> {
    const occurredAt = this.now().toISOString();
    const metadata: EventMetadata = { ...provenance, occurredAt };
    const handled = await this.handler.handle({
      streamId: StreamIds.identityProvider(providerId),
      holder: providerId,
      model: IDENTITY_PROVIDER_STREAM,
      decide: (state) => decide(state).map((e) => stampIssuedAt(e, occurredAt)),
      metadata,
      record: (events) => events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata })),
    });
    // Only now does the read model have the change, so a lookup reloaded at once sees it.
    if (handled.committed) this.providers?.changed(providerId);
    return handled.state;
  }
}

/** A token's time of issue is the write's unless the decision named one (a rotation names its `now`). */
function stampIssuedAt(event: IdentityProviderEvent, occurredAt: string): IdentityProviderEvent {
  return event.type === 'TokenIssued' && event.data.issuedAt === undefined ? { ...event, data: { ...event.data, issuedAt: occurredAt } } : event;
}
