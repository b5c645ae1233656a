import { CommandHandler } from '@app/event-store/command-handling/command-handler';
import type { CommandStore } from '@app/event-store/command-handling/command-store.port';
import { ReservationStreamCommandStore } from '@app/event-store/command-handling/reservation-stream-command-store';
import type { EventStore } from '@app/event-store/event-store.port';
import { IdentityProviderEvent, isIdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import { evolveIdentityProvider, IdentityProviderState, initialIdentityProviderState } from '@app/identity/identity-provider/identity-provider.state';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { evolveReservation, isReservationEvent } from '@app/identity/user/unique-value';
import type { ReadModelProjector } from '@app/read-model/projections/read-model.projector';
import { readYourWrites } from '@app/read-model/projections/read-your-writes';
import type { IdentityProviderDirectory } from '@app/read-model/store/identity-provider-directory';
import { randomUUID } from 'node:crypto';

// Two servers bootstrapping at once, or the CLI beside a start-up: a retry decides against the winner's events.
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

/** Load → decide → append for one IdP stream, on behalf of an operator or the start-up bootstrap, through the command handler. */
export class IdentityProviderWriter {
  private readonly handler: CommandHandler;

  constructor(
    stores: IdentityProviderWriterStores,
    private readonly actor: string,
  ) {
    const store = stores.commands ?? new ReservationStreamCommandStore(stores.events, { initial: undefined, evolve: evolveReservation, accepts: isReservationEvent });
    this.handler = new CommandHandler(store, [readYourWrites(stores.projector)], ATTEMPTS);
    this.providers = stores.providers;
  }

  private readonly providers?: Pick<IdentityProviderDirectory, 'changed'>;

  /** Appends what `decide` produces with optimistic concurrency, and returns the stream's state after it. */
  async write(providerId: string, decide: (state: IdentityProviderState) => IdentityProviderEvent[]): Promise<IdentityProviderState> {
    const metadata = { actor: { kind: 'system' as const, name: this.actor }, occurredAt: new Date().toISOString() };
    const handled = await this.handler.handle({
      streamId: StreamIds.identityProvider(providerId),
      holder: providerId,
      model: IDENTITY_PROVIDER_STREAM,
      decide,
      metadata,
      record: (events) => events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata })),
    });
    // Only now does the read model have the change, so a lookup reloaded at once sees it.
    if (handled.committed) this.providers?.changed(providerId);
    return handled.state;
  }
}
