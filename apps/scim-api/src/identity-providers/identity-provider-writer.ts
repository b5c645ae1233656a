import type { EventStore } from '@app/event-store/event-store.port';
import { IdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import { foldIdentityProvider, IdentityProviderState } from '@app/identity/identity-provider/identity-provider.state';
import { StreamIds } from '@app/identity/shared/stream-ids';
import type { ReadModelProjector } from '@app/read-model/projections/read-model.projector';
import { randomUUID } from 'node:crypto';

/** Load → decide → append for one IdP stream, on behalf of an operator or the start-up bootstrap. */
export class IdentityProviderWriter {
  constructor(
    private readonly events: EventStore,
    private readonly projector: ReadModelProjector,
    private readonly actor: string,
  ) {}

  async write(providerId: string, decide: (state: IdentityProviderState) => IdentityProviderEvent[]): Promise<void> {
    const streamId = StreamIds.identityProvider(providerId);
    const recorded = await this.events.readStream(streamId);
    const events = decide(foldIdentityProvider(recorded as unknown as IdentityProviderEvent[]));
    if (events.length === 0) return;
    const metadata = { actor: { kind: 'system' as const, name: this.actor }, occurredAt: new Date().toISOString() };
    const expected = recorded.length === 0 ? 'noStream' : recorded[recorded.length - 1].revision;
    const result = await this.events.appendToStream(
      streamId,
      events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata })),
      expected,
    );
    await this.projector.waitFor(result.position);
  }
}
