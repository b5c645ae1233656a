import { digestToken } from '@app/identity/identity-provider/token-digest';
import type { AppConfig } from '@app/platform/config/app-config';
import type { IdentityProviderDirectory, ProviderRecord } from '@app/read-model/store/identity-provider-directory';
import { ScimError } from '@app/scim/errors/scim-error';
import type { FastifyRequest } from 'fastify';
import { ResourceLocations } from '../http/resource-locations';
import { ScimAuthenticator } from './scim-authenticator';

const NOW = Date.parse('2026-12-02T06:00:00.000Z');
const ROUTE = '/scim/v2/enterprise-idps/:providerId';

const record = (changes: Partial<ProviderRecord> = {}): ProviderRecord => ({
  providerId: 'acme',
  displayName: 'Acme',
  scimEnabled: true,
  customAttributes: [],
  rebaselineMatchingPosts: false,
  quarantined: false,
  tokens: new Map([
    [digestToken('reader'), { tokenId: 'r', scopes: ['users:read'] }],
    [digestToken('expiring'), { tokenId: 'e', scopes: ['users:read'], expiresAt: new Date(NOW + 500).toISOString() }],
  ]),
  ...changes,
});

function authenticator(provider: ProviderRecord | undefined) {
  const reads = { find: 0 };
  const directory = {
    listProviderIds: async () => new Set(provider ? [provider.providerId] : []),
    findProvider: async () => {
      reads.find += 1;
      return provider;
    },
    onChange: () => () => undefined,
  } as unknown as IdentityProviderDirectory;
  return { reads, auth: new ScimAuthenticator(directory, new ResourceLocations({ publicBaseUrl: 'https://scim.example' } as AppConfig)) };
}

const request = (method: string, route: string, token?: string): FastifyRequest =>
  ({
    id: 'req-1',
    ip: '127.0.0.1',
    method,
    url: `/scim/v2/enterprise-idps/acme/${route}`,
    params: { providerId: 'acme' },
    routeOptions: { url: `${ROUTE}/${route}` },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  }) as unknown as FastifyRequest;

async function refusal(run: Promise<unknown>): Promise<ScimError> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof ScimError)) throw new Error(`expected a ScimError, got ${String(error)}`);
  return error;
}

describe('ScimAuthenticator', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('admits a token with the scope the route needs, as its token id', async () => {
    await expect(authenticator(record()).auth.authenticate(request('GET', 'Users', 'reader'))).resolves.toMatchObject({ providerId: 'acme', tokenId: 'r', rebaselineMatchingPosts: false });
  });

  it('checks the expiry against the clock on every request, though the IdP is cached', async () => {
    const { auth, reads } = authenticator(record());
    await expect(auth.authenticate(request('GET', 'Users', 'expiring'))).resolves.toMatchObject({ tokenId: 'e' });
    jest.setSystemTime(NOW + 500);
    const expired = await refusal(auth.authenticate(request('GET', 'Users', 'expiring')));
    expect(reads.find).toBe(1);
    expect(expired).toMatchObject({ status: 401, detail: 'The bearer token has expired', headers: { 'WWW-Authenticate': 'Bearer realm="scim"' } });
  });

  it.each<[string, ProviderRecord | undefined, FastifyRequest, number, string]>([
    ['an unknown IdP before a missing token', undefined, request('POST', 'Users'), 404, 'No identity provider'],
    ['a missing token before SCIM disabled', record({ scimEnabled: false }), request('POST', 'Users'), 401, 'A bearer token is required'],
    ['a wrong token before SCIM disabled', record({ scimEnabled: false }), request('POST', 'Users', 'wrong'), 401, 'not valid'],
    ['SCIM disabled before the scope', record({ scimEnabled: false }), request('POST', 'Users', 'reader'), 403, 'disabled'],
    ['the scope last', record(), request('POST', 'Users', 'reader'), 403, 'insufficient scope'],
    ['a quarantined IdP before SCIM disabled', record({ quarantined: true, scimEnabled: false }), request('GET', 'Users', 'reader'), 503, 'failed to project'],
  ])('answers %s', async (_case, provider, req, status, detail) => {
    expect(await refusal(authenticator(provider).auth.authenticate(req))).toMatchObject({ status, detail: expect.stringContaining(detail) });
  });

  it('names the missing scope in the detail and in WWW-Authenticate', async () => {
    const error = await refusal(authenticator(record()).auth.authenticate(request('DELETE', 'Users/:userId', 'reader')));
    expect(error.detail).toBe('insufficient scope: this request needs a token with the scope users:delete');
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="users:delete"' });
  });

  it('lets any valid token read the discovery endpoints', async () => {
    const { auth } = authenticator(record({ tokens: new Map([[digestToken('deleter'), { tokenId: 'd', scopes: ['users:delete'] }]]) }));
    for (const route of ['ServiceProviderConfig', 'Schemas', 'ResourceTypes/:id']) await expect(auth.authenticate(request('GET', route, 'deleter'))).resolves.toMatchObject({ tokenId: 'd' });
  });
});
