import type { RecordedEvent } from '@app/event-store/event-store.port';
import { IdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { migrate } from '@app/platform/database/migrations';
import { createLogger } from '@app/platform/logging/logger';
import { storageTargets } from '@app/testing/postgres-target';
import { randomUUID } from 'node:crypto';
import { openStores, Stores } from '../open-stores';
import { forgetIdentityProvider, projectIdentityProviderEvent } from '../projections/identity-provider.projection';
import { IDENTITY_PROVIDER_ADMIN_MIGRATIONS } from './identity-provider.migrations';

const ALL = ['users:read', 'users:write', 'users:delete'];
const at = (minute: number) => `2026-12-02T06:${String(minute).padStart(2, '0')}:00.000Z`;
const targets = storageTargets().filter((t) => t.name !== 'esdb-test-double');

let position = 0;
function recorded(event: IdentityProviderEvent, minute: number): RecordedEvent {
  position += 1;
  const time = at(minute);
  return { id: randomUUID(), ...event, metadata: { occurredAt: time }, streamId: StreamIds.identityProvider(event.data.providerId), revision: position, position, recordedAt: new Date(time) };
}


describe.each(targets.map((t) => [t.name, t] as const))('the IdP directory and its projection on %s', (_name, target) => {
  // One store for the suite (opening one is slow); every test has an IdP of its own.
  let stores: Stores;
  let P = '';
  beforeAll(async () => {
    stores = await openStores({ dataDir: ':memory:', databaseUrl: await target.freshDatabase?.() }, createLogger('silent'));
  });
  afterAll(() => stores.close());
  beforeEach(() => {
    P = `directory-${randomUUID().slice(0, 8)}`;
  });
  const registered = (): IdentityProviderEvent => ({ type: 'IdentityProviderRegistered', data: { providerId: P, displayName: 'Contoso' } });
  const issued = (tokenId: string, digest: string, more: object = {}): IdentityProviderEvent => ({ type: 'TokenIssued', data: { providerId: P, tokenId, digest: `${P}-${digest}`, ...more } });

  /** Projects every event twice, as a projector that lost its checkpoint may: the rows must not change. */
  async function project(events: readonly [IdentityProviderEvent, number][]): Promise<void> {
    const records = events.map(([event, minute]) => recorded(event, minute));
    for (const record of records) await stores.db.transaction((tx) => projectIdentityProviderEvent(tx, record));
    const once = await stores.providers.describeProvider(P);
    for (const record of records) await stores.db.transaction((tx) => projectIdentityProviderEvent(tx, record));
    expect(await stores.providers.describeProvider(P)).toEqual(once);
  }

  const life = (): [IdentityProviderEvent, number][] => [
    [registered(), 0],
    [{ type: 'ScimEnabled', data: { providerId: P } }, 1],
    [issued('old-shape', 'd0'), 2],
    [issued('reader', 'd1', { scopes: ['users:read'], label: 'Entra read-only', issuedAt: at(3), expiresAt: '2027-03-02T06:03:00.000Z' }), 3],
    [issued('writer', 'd2', { scopes: ['users:write'], issuedAt: at(4) }), 4],
    [issued('successor', 'd3', { scopes: ALL, issuedAt: at(5) }), 5],
    [{ type: 'TokenRotated', data: { providerId: P, tokenId: 'writer', replacedBy: 'successor', expiresAt: at(30) } }, 5],
    [{ type: 'TokenRevoked', data: { providerId: P, tokenId: 'old-shape' } }, 6],
    [{ type: 'CustomAttributeRegistered', data: { providerId: P, attribute: 'urn:x:Ext:2.0:User:Legacy' } }, 7],
    [{ type: 'CustomAttributeRegistered', data: { providerId: P, attribute: 'JobCode', type: 'integer' } }, 8],
    [{ type: 'CustomAttributeRegistered', data: { providerId: P, attribute: 'CostCode', type: 'string' } }, 9],
    [{ type: 'CustomAttributeRetired', data: { providerId: P, attribute: 'costcode' } }, 10],
    [{ type: 'ProvisioningSettingsChanged', data: { providerId: P, rebaselineMatchingPosts: true } }, 11],
  ];

  it('finds an IdP in force with its live tokens (scopes, expiry) and its attributes in force, in one query', async () => {
    await project(life());
    const query = jest.spyOn(stores.db, 'query');
    const found = await stores.providers.findProvider(P);
    expect(query).toHaveBeenCalledTimes(1);
    expect(found).toEqual({
      providerId: P,
      displayName: 'Contoso',
      scimEnabled: true,
      rebaselineMatchingPosts: true,
      quarantined: false,
      customAttributes: [
        { name: 'urn:x:Ext:2.0:User:Legacy', type: 'string' },
        { name: 'JobCode', type: 'integer' },
      ],
      tokens: new Map([
        [`${P}-d1`, { tokenId: 'reader', scopes: ['users:read'], expiresAt: '2027-03-02T06:03:00.000Z' }],
        [`${P}-d2`, { tokenId: 'writer', scopes: ['users:write'], expiresAt: at(30) }],
        [`${P}-d3`, { tokenId: 'successor', scopes: ALL }],
      ]),
    });
  });

  it('describes the IdP for the admin API: every token without its digest, every attribute with the retired ones', async () => {
    await project(life());
    expect(await stores.providers.describeProvider(P)).toEqual({
      providerId: P,
      displayName: 'Contoso',
      scimEnabled: true,
      retired: false,
      rebaselineMatchingPosts: true,
      registeredAt: at(0),
      tokens: [
        { tokenId: 'old-shape', scopes: ALL, issuedAt: at(2), revoked: true },
        { tokenId: 'reader', label: 'Entra read-only', scopes: ['users:read'], issuedAt: at(3), expiresAt: '2027-03-02T06:03:00.000Z', revoked: false },
        { tokenId: 'writer', scopes: ['users:write'], issuedAt: at(4), expiresAt: at(30), revoked: false, replacedBy: 'successor' },
        { tokenId: 'successor', scopes: ALL, issuedAt: at(5), revoked: false },
      ],
      customAttributes: [
        { name: 'urn:x:Ext:2.0:User:Legacy', type: 'string', retired: false, registeredAt: at(7) },
        { name: 'JobCode', type: 'integer', retired: false, registeredAt: at(8) },
        { name: 'CostCode', type: 'string', retired: true, registeredAt: at(9) },
      ],
    });
    expect(JSON.stringify(await stores.providers.describeProvider(P))).not.toContain(`${P}-d`);
    expect(await stores.providers.describeProvider('never-registered')).toBeUndefined();
  });

  it('keeps an earlier expiry through a rotation, and brings a re-registered attribute back with its new type', async () => {
    await project([
      [registered(), 0],
      [issued('short', 'd1', { issuedAt: at(1), expiresAt: at(10) }), 1],
      [issued('next', 'd2', { issuedAt: at(2), expiresAt: at(11) }), 2],
      [{ type: 'TokenRotated', data: { providerId: P, tokenId: 'short', replacedBy: 'next', expiresAt: at(40) } }, 2],
      [{ type: 'CustomAttributeRegistered', data: { providerId: P, attribute: 'JobCode' } }, 3],
      [{ type: 'CustomAttributeRetired', data: { providerId: P, attribute: 'JobCode' } }, 4],
      [{ type: 'CustomAttributeRegistered', data: { providerId: P, attribute: 'jobcode', type: 'boolean' } }, 5],
    ]);
    const details = await stores.providers.describeProvider(P);
    expect(details?.tokens[0]).toMatchObject({ tokenId: 'short', expiresAt: at(10), replacedBy: 'next' });
    expect(details?.customAttributes).toEqual([{ name: 'jobcode', type: 'boolean', retired: false, registeredAt: at(5) }]);
    expect((await stores.providers.findProvider(P))?.customAttributes).toEqual([{ name: 'jobcode', type: 'boolean' }]);
  });

  it('knows a retired IdP only to the admin API', async () => {
    await project([...life(), [{ type: 'IdentityProviderRetired', data: { providerId: P } }, 12]]);
    expect(await stores.providers.findProvider(P)).toBeUndefined();
    expect(await stores.providers.listProviderIds()).not.toContain(P);
    expect((await stores.providers.listProviders()).filter((p) => p.providerId === P)).toEqual([
      { providerId: P, displayName: 'Contoso', scimEnabled: true, retired: true, rebaselineMatchingPosts: true, registeredAt: at(0) },
    ]);
    expect(await stores.providers.describeProvider(P)).toMatchObject({ retired: true });
  });

  it('forgets every row of the IdP for a re-projection', async () => {
    await project(life());
    await stores.db.transaction((tx) => forgetIdentityProvider(tx, P));
    expect(await stores.providers.describeProvider(P)).toBeUndefined();
    const leftovers = await stores.db.query("SELECT 1 FROM scim_tokens WHERE provider_id = $1 UNION ALL SELECT 1 FROM idp_custom_attributes WHERE provider_id = $1", [P]);
    expect(leftovers).toEqual([]);
  });

  it('migrates rows projected before it: every scope, no expiry, string attributes, in force, times from the event log', async () => {
    await stores.db.exec(`
      ALTER TABLE scim_tokens DROP COLUMN scopes, DROP COLUMN expires_at, DROP COLUMN label, DROP COLUMN issued_at, DROP COLUMN replaced_by;
      ALTER TABLE identity_providers DROP COLUMN retired, DROP COLUMN registered_at, DROP COLUMN rebaseline_matching_posts;
      DROP TABLE idp_custom_attributes;
      DELETE FROM schema_migrations WHERE id LIKE 'idp-admin-%';
      INSERT INTO identity_providers (provider_id, display_name, scim_enabled, custom_attributes) VALUES ('${P}', 'Contoso', true, '["urn:x:Ext:2.0:User:JobCode", "urn:x:Ext:2.0:User:Unlogged"]');
      INSERT INTO scim_tokens (digest, provider_id, token_id) VALUES ('${P}-d1', '${P}', 't1');
    `);
    const metadata = { occurredAt: at(0) };
    await stores.events.appendToStream(
      StreamIds.identityProvider(P),
      [
        { id: randomUUID(), ...registered(), metadata },
        { id: randomUUID(), ...issued('t1', 'd1'), metadata },
        { id: randomUUID(), type: 'CustomAttributeRegistered', data: { providerId: P, attribute: 'urn:x:Ext:2.0:User:JobCode' }, metadata },
      ],
      'noStream',
    );
    await migrate(stores.db, IDENTITY_PROVIDER_ADMIN_MIGRATIONS);
    const details = await stores.providers.describeProvider(P);
    expect(details).toMatchObject({ retired: false, rebaselineMatchingPosts: false, tokens: [{ tokenId: 't1', scopes: ALL, revoked: false }] });
    // Without its event in this database (an EventStoreDB log), a row has no known time: the Unix epoch.
    expect(details?.customAttributes).toEqual([
      { name: 'urn:x:Ext:2.0:User:Unlogged', type: 'string', retired: false, registeredAt: '1970-01-01T00:00:00.000Z' },
      { name: 'urn:x:Ext:2.0:User:JobCode', type: 'string', retired: false, registeredAt: expect.any(String) },
    ]);
    expect(Date.parse(details!.registeredAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(details!.tokens[0].issuedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await stores.providers.findProvider(P))?.tokens).toEqual(new Map([[`${P}-d1`, { tokenId: 't1', scopes: ALL }]]));
  });
});
