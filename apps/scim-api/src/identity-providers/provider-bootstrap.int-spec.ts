import { decideRetire, decideRevokeToken } from '@app/identity/identity-provider/identity-provider.decide';
import { bootstrapTokenId } from '@app/identity/identity-provider/provider-bootstrap.decide';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { createLogger } from '@app/platform/logging/logger';
import { openStores, Stores } from '@app/read-model/open-stores';
import { IdentityProviderWriter } from './identity-provider-writer';
import { createDemoProviderIfEmpty, ensureProvider } from './provider-bootstrap';

const bootstrap = { providerId: 'acme', token: 'acme-token-0123456789abcdef', customAttributes: ['JobCode'] };

describe('start-up bootstrap', () => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await openStores({ dataDir: ':memory:' }, createLogger('silent'));
  });
  afterEach(() => stores.close());

  const types = async () => (await stores.events.readStream(StreamIds.identityProvider('acme'))).map((e) => e.type);
  const operator = () => new IdentityProviderWriter(stores, 'operator');

  it('creates the IdP with an all-scope, never-expiring token, and reports nothing to warn about', async () => {
    expect(await ensureProvider(stores, bootstrap)).toEqual({ retired: false });
    const found = await stores.providers.findProvider('acme');
    expect(found?.tokens.get(digestToken(bootstrap.token))).toEqual({ tokenId: bootstrapTokenId(digestToken(bootstrap.token)), scopes: ['users:read', 'users:write', 'users:delete'] });
  });

  it('reports a token revoked since, and leaves it revoked', async () => {
    await ensureProvider(stores, bootstrap);
    const tokenId = bootstrapTokenId(digestToken(bootstrap.token));
    await operator().write('acme', (s) => decideRevokeToken(s, tokenId));
    expect(await ensureProvider(stores, bootstrap)).toEqual({ revokedTokenId: tokenId, retired: false });
    expect((await stores.providers.findProvider('acme'))?.tokens.size).toBe(0);
  });

  it('reports a retired IdP, and leaves it retired without writing anything', async () => {
    await ensureProvider(stores, bootstrap);
    await operator().write('acme', decideRetire);
    const before = await types();
    expect(await ensureProvider(stores, { ...bootstrap, customAttributes: ['JobCode', 'CostCode'] })).toMatchObject({ retired: true });
    expect(await types()).toEqual(before);
    expect(await stores.providers.findProvider('acme')).toBeUndefined();
  });

  it('creates the demo IdP only in an empty directory, its token labelled demo', async () => {
    const demo = await createDemoProviderIfEmpty(stores);
    expect(demo).toEqual({ providerId: expect.any(String), tokenId: expect.any(String), token: expect.stringMatching(/^scim_/) });
    expect(await stores.providers.describeProvider(demo!.providerId)).toMatchObject({ scimEnabled: true, tokens: [{ tokenId: demo!.tokenId, label: 'demo', revoked: false }] });
    expect(await createDemoProviderIfEmpty(stores)).toBeUndefined();
  });
});
