import { ConcurrencyError } from '@app/event-store/concurrency.error';
import type { EventStore } from '@app/event-store/event-store.port';
import { decideIssueToken } from '@app/identity/identity-provider/identity-provider.decide';
import { IdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import { IdentityProviderState } from '@app/identity/identity-provider/identity-provider.state';
import { decideBootstrap } from '@app/identity/identity-provider/provider-bootstrap.decide';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { createLogger } from '@app/platform/logging/logger';
import { openStores, Stores } from '@app/read-model/open-stores';
import { randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from './identity-provider-writer';

const bootstrap = { providerId: 'acme', tokenDigest: 'd'.repeat(64), customAttributes: [] };

/** The real store, except that before each of the first `races` appends another writer gets in first. */
function racedBy(stores: Stores, races: number): EventStore {
  const rival = new IdentityProviderWriter(stores, 'rival');
  const rivalDecides = (s: IdentityProviderState): IdentityProviderEvent[] =>
    s.status === 'absent' ? decideBootstrap(s, bootstrap) : [{ type: 'ScimDisabled', data: { providerId: 'acme' } }];
  let raced = 0;
  return new Proxy(stores.events, {
    get: (target, property) =>
      property === 'appendToStream'
        ? async (...args: Parameters<EventStore['appendToStream']>) => {
            if (raced++ < races) await rival.write('acme', rivalDecides);
            return target.appendToStream(...args);
          }
        : Reflect.get(target, property),
  });
}

describe('IdentityProviderWriter', () => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await openStores({ dataDir: ':memory:' }, createLogger('silent'));
  });
  afterEach(() => stores.close());

  it('decides again against the events of a writer that appended first, and appends nothing twice', async () => {
    const writer = new IdentityProviderWriter({ events: racedBy(stores, 1), projector: stores.projector }, 'bootstrap');
    const state = await writer.write('acme', (s) => decideBootstrap(s, bootstrap));
    const types = (await stores.events.readStream(StreamIds.identityProvider('acme'))).map((e) => e.type);
    expect(types).toEqual(['IdentityProviderRegistered', 'ScimEnabled', 'TokenIssued']);
    expect(state).toMatchObject({ status: 'registered', scimEnabled: true, tokens: [{ digest: bootstrap.tokenDigest, revoked: false }] });
  });

  it('gives up with the conflict after three attempts', async () => {
    await new IdentityProviderWriter({ events: stores.events, projector: stores.projector }, 'bootstrap').write('acme', (s) => decideBootstrap(s, bootstrap));
    const writer = new IdentityProviderWriter({ events: racedBy(stores, 3), projector: stores.projector }, 'cli');
    await expect(writer.write('acme', (s) => decideIssueToken(s, { tokenId: randomUUID(), digest: randomUUID() }))).rejects.toBeInstanceOf(ConcurrencyError);
    const types = (await stores.events.readStream(StreamIds.identityProvider('acme'))).map((e) => e.type);
    expect(types).toEqual(['IdentityProviderRegistered', 'ScimEnabled', 'TokenIssued', 'ScimDisabled', 'ScimDisabled', 'ScimDisabled']);
  });

  it('records the provenance it is given, the time of the write, and the token\'s time of issue', async () => {
    const clock = () => new Date('2026-12-02T06:00:00.000Z');
    const writer = new IdentityProviderWriter({ events: stores.events, projector: stores.projector }, 'bootstrap', clock);
    await writer.write('acme', (s) => decideBootstrap(s, bootstrap));
    const actor = { kind: 'admin' as const, tokenId: 'admin-1', name: 'ops laptop' };
    await writer.write('acme', (s) => decideIssueToken(s, { tokenId: 't2', digest: 'e'.repeat(64) }), { actor, correlationId: 'c-1', clientAddress: '127.0.0.1' });
    const events = await stores.events.readStream(StreamIds.identityProvider('acme'));
    expect(events.map((e) => e.metadata.actor)).toEqual([...Array(3).fill({ kind: 'system', name: 'bootstrap' }), actor]);
    expect(events[3]).toMatchObject({ data: { tokenId: 't2', issuedAt: '2026-12-02T06:00:00.000Z' }, metadata: { correlationId: 'c-1', clientAddress: '127.0.0.1', occurredAt: '2026-12-02T06:00:00.000Z' } });
  });
});
