import { ConcurrencyError } from '@app/event-store/concurrency.error';
import type { EventStore } from '@app/event-store/event-store.port';
import { IdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import { evolveIdentityProvider, foldIdentityProvider, IdentityProviderState } from '@app/identity/identity-provider/identity-provider.state';
import { StreamIds } from '@app/identity/shared/stream-ids';
import type { ReadModelProjector } from '@app/read-model/projections/read-model.projector';
import { randomUUID } from 'node:crypto';

// Two servers bootstrapping at once, or the CLI beside a start-up: a retry decides against the winner's events.
const ATTEMPTS = 3;

/** Load → decide → append for one IdP stream, on behalf of an operator or the start-up bootstrap. */
export class IdentityProviderWriter {
  constructor(
    private readonly events: EventStore,
    private readonly projector: ReadModelProjector,
    private readonly actor: string,
  ) {}

  /** Appends what `decide` produces with optimistic concurrency, and returns the stream's state after it. */
  async write(providerId: string, decide: (state: IdentityProviderState) => IdentityProviderEvent[]): Promise<IdentityProviderState> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeOnce(providerId, decide);
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt === ATTEMPTS) throw error;
      }
    }
  }

  private async writeOnce(providerId: string, decide: (state: IdentityProviderState) => IdentityProviderEvent[]): Promise<IdentityProviderState> {
    const streamId = StreamIds.identityProvider(providerId);
    const recorded = await this.events.readStream(streamId);
    const state = foldIdentityProvider(recorded as unknown as IdentityProviderEvent[]);
    const events = decide(state);
    if (events.length === 0) return state;
    const metadata = { actor: { kind: 'system' as const, name: this.actor }, occurredAt: new Date().toISOString() };
    const expected = recorded.length === 0 ? 'noStream' : recorded[recorded.length - 1].revision;
    const result = await this.events.appendToStream(
      streamId,
      events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata })),
      expected,
    );
    await this.projector.waitFor(result.position);
    return events.reduce(evolveIdentityProvider, state);
  }
}
