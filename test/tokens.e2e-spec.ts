import {
  decideAll,
  decideDisableScim,
  decideEnableScim,
  decideIssueToken,
  decideRegister,
  decideRetire,
  decideRevokeToken,
  decideRotateToken,
  TokenToIssue,
} from '@app/identity/identity-provider/identity-provider.decide';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import type { TokenScope } from '@app/identity/identity-provider/token-scopes';
import { describeOnEveryStore, SuiteContext } from '@app/testing/describe-on-every-store';
import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { ScimClient, ScimResponse } from '@app/testing/scim-client';
import { randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from '../apps/scim-api/src/identity-providers/identity-provider-writer';
import { newTokenSecret } from '../apps/scim-api/src/identity-providers/provider-bootstrap';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const newUser = () => entraCreateUser(`u.${randomUUID()}@example.com`, randomUUID());
const rename = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed' }] };

function expectStatus(response: ScimResponse, status: number): void {
  expect({ status: response.status, body: response.body }).toMatchObject({ status });
}

function expectError(response: ScimResponse, status: number): void {
  expectStatus(response, status);
  expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(response.body).toMatchObject({ schemas: [ERROR], status: String(status) });
}

function expectInsufficientScope(response: ScimResponse, scope: TokenScope): void {
  expectError(response, 403);
  expect(response.body.detail).toContain('insufficient scope');
  expect(response.body.detail).toContain(scope);
  expect(response.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${scope}"`);
}

function expectUnauthorized(response: ScimResponse): void {
  expectError(response, 401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer realm="scim"');
}

/** The admin plane's writes, made as the admin API makes them: through the IdP writer on the server's own stores. */
class Admin {
  constructor(private readonly suite: SuiteContext) {}

  private get writer(): IdentityProviderWriter {
    return new IdentityProviderWriter(this.suite.server.stores, 'tokens-e2e');
  }

  async newProvider(): Promise<string> {
    const providerId = `tokens-${randomUUID().slice(0, 8)}`;
    await this.writer.write(providerId, (s) => decideAll(s, [(r) => decideRegister(r, providerId, 'Tokens e2e'), decideEnableScim]));
    return providerId;
  }

  /** A token with the given settings, and a client that presents it. */
  async issue(providerId: string, token: Partial<TokenToIssue> = {}): Promise<{ tokenId: string; client: ScimClient }> {
    const secret = newTokenSecret();
    const tokenId = randomUUID();
    await this.writer.write(providerId, (s) => decideIssueToken(s, { tokenId, digest: digestToken(secret), ...token }));
    return { tokenId, client: this.client(providerId, secret) };
  }

  async rotate(providerId: string, tokenId: string, overlapMs: number): Promise<ScimClient> {
    const secret = newTokenSecret();
    const now = new Date();
    const overlapEndsAt = new Date(now.getTime() + overlapMs).toISOString();
    await this.writer.write(providerId, (s) => decideRotateToken(s, tokenId, { tokenId: randomUUID(), digest: digestToken(secret) }, overlapEndsAt, now.toISOString()));
    return this.client(providerId, secret);
  }

  write(providerId: string, decide: Parameters<IdentityProviderWriter['write']>[1]) {
    return this.writer.write(providerId, decide);
  }

  client(providerId: string, secret: string): ScimClient {
    return new ScimClient(this.suite.server.tenantUrl(providerId), secret);
  }
}

describeOnEveryStore('SCIM tokens with scopes, expiry, rotation and retirement', [], (suite) => {
  const admin = new Admin(suite);
  let providerId: string;
  let full: ScimClient;
  let userId: string;

  beforeAll(async () => {
    providerId = await admin.newProvider();
    full = (await admin.issue(providerId)).client;
    const created = await full.post('/Users', newUser());
    expectStatus(created, 201);
    userId = created.body.id;
  });

  describe('scopes', () => {
    it('lets a users:read token read, list, filter and search, and nothing else', async () => {
      const { client } = await admin.issue(providerId, { scopes: ['users:read'], label: 'read-only' });
      expectStatus(await client.get('/Users'), 200);
      expectStatus(await client.get(`/Users/${userId}`), 200);
      expectStatus(await client.get(`/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`), 200);
      expectStatus(await client.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `id eq "${userId}"` }), 200);

      expectInsufficientScope(await client.post('/Users', newUser()), 'users:write');
      expectInsufficientScope(await client.put(`/Users/${userId}`, newUser()), 'users:write');
      expectInsufficientScope(await client.patch(`/Users/${userId}`, rename), 'users:write');
      expectInsufficientScope(await client.delete(`/Users/${userId}`), 'users:delete');
      // Nothing was changed by the refused requests.
      expect((await full.get(`/Users/${userId}`)).body.meta.version).toBe('W/"0"');
    });

    it('refuses reads to a token without users:read, and lets it write', async () => {
      const { client } = await admin.issue(providerId, { scopes: ['users:write'] });
      expectInsufficientScope(await client.get('/Users'), 'users:read');
      expectInsufficientScope(await client.get(`/Users/${userId}`), 'users:read');
      expectInsufficientScope(await client.post('/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] }), 'users:read');
      expectInsufficientScope(await client.delete(`/Users/${userId}`), 'users:delete');
      expectStatus(await client.post('/Users', newUser()), 201);
      expectStatus(await client.patch(`/Users/${userId}`, rename), 200);
    });

    it('lets a users:delete token delete', async () => {
      const created = await full.post('/Users', newUser());
      const { client } = await admin.issue(providerId, { scopes: ['users:delete'] });
      expectStatus(await client.delete(`/Users/${created.body.id}`), 204);
    });

    it('opens the discovery endpoints to any valid token', async () => {
      const { client } = await admin.issue(providerId, { scopes: ['users:delete'] });
      for (const path of ['/ServiceProviderConfig', '/Schemas', '/ResourceTypes']) expectStatus(await client.get(path), 200);
    });

    it('gives every scope to a token issued before scopes existed (no scopes recorded)', async () => {
      const secret = newTokenSecret();
      await admin.write(providerId, () => [{ type: 'TokenIssued', data: { providerId, tokenId: randomUUID(), digest: digestToken(secret) } }]);
      const client = admin.client(providerId, secret);
      const created = await client.post('/Users', newUser());
      expectStatus(created, 201);
      expectStatus(await client.get(`/Users/${created.body.id}`), 200);
      expectStatus(await client.patch(`/Users/${created.body.id}`, rename), 200);
      expectStatus(await client.delete(`/Users/${created.body.id}`), 204);
    });
  });

  describe('expiry, rotation and revocation', () => {
    it('answers 401 to a token past its expiry, and to one that expires while in use', async () => {
      const expired = await admin.issue(providerId, { expiresAt: new Date(Date.now() - 1000).toISOString() });
      expectUnauthorized(await expired.client.get('/Users'));
      const expiring = await admin.issue(providerId, { expiresAt: new Date(Date.now() + 1500).toISOString() });
      expectStatus(await expiring.client.get('/Users'), 200);
      await sleep(1600);
      expectUnauthorized(await expiring.client.get('/Users'));
      expect((await expiring.client.get('/Users')).body.detail).toContain('expired');
    });

    it('keeps the old token working until the overlap ends, then only the new one', async () => {
      const old = await admin.issue(providerId, { scopes: ['users:read'] });
      const rotated = await admin.rotate(providerId, old.tokenId, 2000);
      const overlapEnds = Date.now() + 2000;
      expectStatus(await old.client.get('/Users'), 200);
      expectStatus(await rotated.get('/Users'), 200);
      // The successor has the old token's scopes.
      expectInsufficientScope(await rotated.post('/Users', newUser()), 'users:write');
      await sleep(overlapEnds - Date.now() + 200);
      expectUnauthorized(await old.client.get('/Users'));
      expectStatus(await rotated.get('/Users'), 200);
    });

    it('answers 401 to a revoked token at once', async () => {
      const { tokenId, client } = await admin.issue(providerId);
      expectStatus(await client.get('/Users'), 200);
      await admin.write(providerId, (s) => decideRevokeToken(s, tokenId));
      expectUnauthorized(await client.get('/Users'));
    });
  });

  describe('retirement', () => {
    it('answers 404 on every route of a retired IdP, as for an unknown id, even to its own token', async () => {
      const retiring = await admin.newProvider();
      const { client } = await admin.issue(retiring);
      const created = await client.post('/Users', newUser());
      expectStatus(created, 201);
      await admin.write(retiring, decideRetire);
      const id = created.body.id;
      const requests: [string, () => Promise<ScimResponse>][] = [
        ['GET /Users', () => client.get('/Users')],
        ['GET /Users/:id', () => client.get(`/Users/${id}`)],
        ['POST /Users', () => client.post('/Users', newUser())],
        ['PUT /Users/:id', () => client.put(`/Users/${id}`, newUser())],
        ['PATCH /Users/:id', () => client.patch(`/Users/${id}`, rename)],
        ['DELETE /Users/:id', () => client.delete(`/Users/${id}`)],
        ['POST /Users/.search', () => client.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] })],
        ['GET /ServiceProviderConfig', () => client.get('/ServiceProviderConfig')],
        ['GET /Schemas', () => client.get('/Schemas')],
        ['GET /ResourceTypes', () => client.get('/ResourceTypes')],
        ['GET /Users without a token', () => client.get('/Users', { token: null })],
      ];
      for (const [, request] of requests) expectError(await request(), 404);
    });

    it('never registers the id again, and refuses every admin write to it', async () => {
      const retiring = await admin.newProvider();
      await admin.write(retiring, decideRetire);
      await expect(admin.write(retiring, (s) => decideRegister(s, retiring, 'again'))).rejects.toMatchObject({ code: 'PROVIDER_ALREADY_REGISTERED' });
      await expect(admin.issue(retiring)).rejects.toMatchObject({ code: 'PROVIDER_RETIRED' });
      await expect(admin.write(retiring, decideEnableScim)).rejects.toMatchObject({ code: 'PROVIDER_RETIRED' });
    });
  });

  it('answers in the order 404 unknown IdP, 401 bad token, 403 SCIM disabled, 403 insufficient scope', async () => {
    const ordered = await admin.newProvider();
    const reader = await admin.issue(ordered, { scopes: ['users:read'] });
    await admin.write(ordered, decideDisableScim);
    const unknown = new ScimClient(suite.server.tenantUrl(`unknown-${randomUUID().slice(0, 8)}`), 'any-token-0123456789abcdef');

    expectError(await unknown.post('/Users', newUser()), 404);
    expectUnauthorized(await reader.client.post('/Users', newUser(), { token: 'wrong-token-0123456789abcdef' }));
    expectUnauthorized(await reader.client.post('/Users', newUser(), { token: null }));
    const disabled = await reader.client.post('/Users', newUser());
    expectError(disabled, 403);
    expect(disabled.body.detail).toContain('disabled');
    expect(disabled.headers.get('www-authenticate')).toBeNull();

    await admin.write(ordered, decideEnableScim);
    expectInsufficientScope(await reader.client.post('/Users', newUser()), 'users:write');
    expectStatus(await reader.client.get('/Users'), 200);
  });
});
