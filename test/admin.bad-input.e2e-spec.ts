import { StreamIds } from '@app/identity/shared/stream-ids';
import { AdminClient, withAdminToken } from '@app/testing/admin-client';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimTestServer } from '@app/testing/scim-test-server';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';

/**
 * Whatever an administrator (or a script) sends, the admin API answers below 500 with its error
 * JSON: any JSON body on every route that takes one, any path segment where an id or name goes.
 */
describe('the admin API under arbitrary input', () => {
  let server: ScimTestServer;
  let admin: AdminClient;
  let providerId: string;
  let tokenId: string;
  let userId: string;
  beforeAll(async () => {
    server = await ScimTestServer.start(storageTargets()[0], [], undefined, withAdminToken());
    admin = new AdminClient(server.adminOrigin);
    providerId = (await admin.post('/identity-providers', { displayName: 'Fuzzed' })).body.providerId;
    await admin.post(`/identity-providers/${providerId}/enable-scim`);
    const issued = (await admin.post(`/identity-providers/${providerId}/tokens`)).body;
    tokenId = issued.tokenId;
    const created = await fetch(`${server.tenantUrl(providerId)}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${issued.token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ userName: `fuzz.${randomUUID()}@example.com` }),
    });
    userId = ((await created.json()) as { id: string }).id;
  });
  afterAll(async () => server?.close());

  const expectHandled = (response: { status: number; headers: Headers; body: any }) => {
    expect(response.status).toBeLessThan(500);
    if (response.status >= 400) {
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.body).toEqual({ status: response.status, error: expect.any(String), message: expect.any(String) });
    }
  };

  it('answers any JSON body on every route that takes one below 500', async () => {
    const routes: [string, () => string][] = [
      ['POST', () => '/identity-providers'],
      ['PATCH', () => `/identity-providers/${providerId}`],
      ['POST', () => `/identity-providers/${providerId}/tokens`],
      ['POST', () => `/identity-providers/${providerId}/tokens/${tokenId}/rotate`],
      ['POST', () => `/identity-providers/${providerId}/custom-attributes`],
      ['POST', () => `/identity-providers/${providerId}/users/${userId}/clear`],
      ['POST', () => '/admin-tokens'],
    ];
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom('displayName', 'providerId', 'scopes', 'expiresIn', 'label', 'overlap', 'name', 'type', 'paths', 'rebaselineMatchingPosts'), fc.jsonValue()),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), bodies, async ([method, path], body) => {
        expectHandled(await admin.request(method, path(), { rawBody: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }));
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('answers an object with a constructor member where a value goes with a 400', async () => {
    for (const [path, rawBody] of [
      ['/identity-providers', '{"displayName":{"constructor":{}}}'],
      [`/identity-providers/${providerId}/tokens`, '{"label":{"constructor":{"constructor":1}},"scopes":[{"__proto__":{}}]}'],
      ['/admin-tokens', '{"label":[{"constructor":{}}]}'],
    ] as const) {
      const refused = await admin.request('POST', path, { rawBody, headers: { 'Content-Type': 'application/json' } });
      expect({ path, status: refused.status }).toEqual({ path, status: 400 });
      expectHandled(refused);
    }
  });

  it('answers any id or name in the path below 500', async () => {
    const paths = [
      (s: string) => ['GET', `/identity-providers/${s}`],
      (s: string) => ['POST', `/identity-providers/${s}/enable-scim`],
      (s: string) => ['POST', `/identity-providers/${providerId}/tokens/${s}/revoke`],
      (s: string) => ['POST', `/identity-providers/${providerId}/custom-attributes/${s}/retire`],
      (s: string) => ['POST', `/identity-providers/${providerId}/users/${s}/reprovision`],
      (s: string) => ['GET', `/identity-providers/${providerId}/users?email=${s}`],
      (s: string) => ['POST', `/admin-tokens/${s}/revoke`],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.string({ minLength: 1, maxLength: 300, unit: 'binary' }), async (route, text) => {
        const [method, path] = route(encodeURIComponent(text));
        expectHandled(await admin.request(method, path));
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

describeOnEveryStore(
  'admin bodies no store can keep',
  [],
  (suite) => {
    it('refuses NUL and unpaired surrogates with a 400 before anything is appended (on EventStoreDB they would never project)', async () => {
      const admin = new AdminClient(suite.server.adminOrigin);
      const { providerId } = (await admin.post('/identity-providers', { displayName: 'Kept' })).body;
      const idpEvents = async () => (await suite.server.stores.events.readStream(StreamIds.identityProvider(providerId))).length;
      const before = await idpEvents();
      for (const nasty of ['nul\u0000here', 'lone \ud800 surrogate']) {
        for (const [path, body] of [
          ['/identity-providers', { displayName: nasty }],
          [`/identity-providers/${providerId}/tokens`, { label: nasty }],
          [`/identity-providers/${providerId}/custom-attributes`, { name: nasty }],
          ['/admin-tokens', { label: nasty }],
          ['/admin-tokens', { label: 'ok', [nasty]: 1 }],
        ] as const) {
          const refused = await admin.post(path, body);
          expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: 'INVALID_VALUE' });
          expect(refused.body.message).toMatch(/NUL character|unpaired surrogate/);
        }
      }
      expect(await idpEvents()).toBe(before);
      expect((await admin.get('/identity-providers')).body.identityProviders).toHaveLength(1);
      expect(await suite.server.stores.events.readStream(StreamIds.administrators())).toEqual([]);
    });
  },
  withAdminToken(),
);
