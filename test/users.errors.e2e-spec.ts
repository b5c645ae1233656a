import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { storageTargets, StorageTarget } from '@app/testing/postgres-target';
import { ScimClient, scimRequest } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ALPHA = { providerId: 'alpha', token: 'alpha-token-0123456789abcdef' };
const BETA = { providerId: 'beta', token: 'beta-token-0123456789abcdefgh' };

function expectScimError(response: { status: number; headers: Headers; body: any }, status: number, scimType?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(response.body).toMatchObject({ schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}) });
  expect(typeof response.body.detail).toBe('string');
}

describe.each(storageTargets().map((t) => [t.name, t] as const))('SCIM error paths on %s', (_name, target: StorageTarget) => {
  let server: ScimTestServer;
  let alpha: ScimClient;
  let beta: ScimClient;

  beforeAll(async () => {
    server = await ScimTestServer.start(target, [ALPHA, BETA]);
    alpha = new ScimClient(server.tenantUrl(ALPHA.providerId), ALPHA.token);
    beta = new ScimClient(server.tenantUrl(BETA.providerId), BETA.token);
  });
  afterAll(async () => server?.close());

  const newUser = () => entraCreateUser(`u.${randomUUID()}@example.com`, randomUUID());

  describe('authentication, in the order the customer guide documents', () => {
    it('answers 404 for an unknown provider id, before looking at the token', async () => {
      expectScimError(await scimRequest('GET', `${server.tenantUrl('nobody')}/Users`, { token: ALPHA.token }), 404);
      expectScimError(await scimRequest('GET', `${server.tenantUrl('nobody')}/Users`), 404);
    });

    it('answers 401 without a token, with a wrong one, and with another IdP\'s token', async () => {
      expectScimError(await alpha.get('/Users', { token: null }), 401);
      expectScimError(await alpha.get('/Users', { token: 'wrong-token-0123456789abcdef' }), 401);
      expectScimError(await alpha.get('/Users', { token: BETA.token }), 401);
      expectScimError(await alpha.get('/Users', { headers: { Authorization: `Basic ${ALPHA.token}` }, token: null }), 401);
    });

    it('answers 403 when SCIM is disabled for the IdP', async () => {
      const { decideDisableScim } = await import('@app/identity/identity-provider/identity-provider.decide');
      const { IdentityProviderWriter } = await import('../apps/scim-api/src/identity-providers/identity-provider-writer');
      const off = { providerId: 'switched-off', token: 'switched-off-token-0123456789' };
      const { ensureProvider } = await import('../apps/scim-api/src/identity-providers/provider-bootstrap');
      await ensureProvider(server.stores, { ...off, customAttributes: [] });
      await new IdentityProviderWriter(server.stores, 'test').write(off.providerId, decideDisableScim);
      expectScimError(await scimRequest('GET', `${server.tenantUrl(off.providerId)}/Users`, { token: off.token }), 403);
      expectScimError(await scimRequest('GET', `${server.tenantUrl(off.providerId)}/Users`, { token: 'nope-0123456789abcdefgh' }), 401);
    });

    it('logs each request as JSON, without the bearer token or the user record', async () => {
      const user = newUser();
      await alpha.post('/Users', user);
      await alpha.get(`/Users?filter=${encodeURIComponent(`userName eq "${user.userName}"`)}`);
      const logged = server.logLines.join('\n');
      expect(logged).not.toContain(ALPHA.token);
      expect(logged).not.toContain(user.userName);
      expect(logged).not.toContain(user.externalId);
      const lines = server.logLines.map((l) => JSON.parse(l));
      expect(lines).toContainEqual(expect.objectContaining({ msg: 'request completed', method: 'POST', status: 201 }));
    });
  });

  describe('tenant isolation', () => {
    it('keeps one IdP\'s users invisible and untouchable to another', async () => {
      const created = await alpha.post('/Users', newUser());
      const id = created.body.id;
      expectScimError(await beta.get(`/Users/${id}`), 404);
      expectScimError(await beta.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), 404);
      expectScimError(await beta.put(`/Users/${id}`, newUser()), 404);
      expectScimError(await beta.delete(`/Users/${id}`), 404);
      const list = await beta.get(`/Users?filter=${encodeURIComponent(`userName eq "${created.body.userName}"`)}`);
      expect(list.body.totalResults).toBe(0);
      // The same userName is free in another IdP.
      expect((await beta.post('/Users', { ...newUser(), userName: created.body.userName })).status).toBe(201);
      expect((await alpha.get(`/Users/${id}`)).body.title).toBe('Analyst');
    });
  });

  describe('hostile ids', () => {
    it('keeps a provider from reaching another provider\'s user through a dashed provider id', async () => {
      const acme = { providerId: 'acme', token: 'acme-token-0123456789abcdef' };
      const acmeX = { providerId: 'acme-x', token: 'acme-x-token-0123456789abcdef' };
      const { ensureProvider } = await import('../apps/scim-api/src/identity-providers/provider-bootstrap');
      for (const p of [acme, acmeX]) await ensureProvider(server.stores, { ...p, customAttributes: [] });
      const victimClient = new ScimClient(server.tenantUrl(acmeX.providerId), acmeX.token);
      const attacker = new ScimClient(server.tenantUrl(acme.providerId), acme.token);
      const victim = await victimClient.post('/Users', newUser());
      // user-acme-x-<id> is also "user-acme-" followed by "x-<id>".
      const forged = `x-${victim.body.id}`;
      expectScimError(await attacker.patch(`/Users/${forged}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: 'hijacked@x.com' }] }), 404);
      expectScimError(await attacker.delete(`/Users/${forged}`), 404);
      expect((await victimClient.get(`/Users/${victim.body.id}`)).body.userName).toBe(victim.body.userName);
    });

    it.each(['a%00b', 'not-a-uuid', '..', '%E2%80%AE'])('answers 404 for the user id %s', async (id) => {
      expectScimError(await alpha.get(`/Users/${id}`), 404);
      expectScimError(await alpha.delete(`/Users/${id}`), 404);
    });

    it('answers 404 for a provider id with a NUL in it', async () => {
      expectScimError(await scimRequest('GET', `${server.tenantUrl('a%00')}/Users`, { token: ALPHA.token }), 404);
    });

    it('answers 400, not 500, for NUL characters in values and filters, and an empty page for a huge startIndex', async () => {
      expectScimError(await alpha.post('/Users', { ...newUser(), displayName: 'a\u0000b' }), 400, 'invalidValue');
      const user = await alpha.post('/Users', newUser());
      expectScimError(await alpha.patch(`/Users/${user.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x\u0000' }] }), 400);
      expectScimError(await alpha.get(`/Users?filter=${encodeURIComponent('userName eq "a\u0000"')}`), 400);
      const far = await alpha.get('/Users?startIndex=99999999999999999999');
      expect(far.status).toBe(200);
      expect(far.body.Resources).toEqual([]);
    });
  });

  describe('409, 404, 412', () => {
    it('does not let a refused create hold its userName', async () => {
      const first = await alpha.post('/Users', newUser());
      const userName = `bob.${randomUUID()}@example.com`;
      expectScimError(await alpha.post('/Users', { ...newUser(), userName, externalId: first.body.externalId }), 409, 'uniqueness');
      expect((await alpha.post('/Users', { ...newUser(), userName })).status).toBe(201);
    });

    it('never lets a create take a userName that a rename in flight has claimed', async () => {
      for (let i = 0; i < 15; i++) {
        const renaming = await alpha.post('/Users', newUser());
        const userName = `contested.${randomUUID()}@example.com`;
        const [renamed, created] = await Promise.all([
          alpha.patch(`/Users/${renaming.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'userName', value: userName }] }),
          alpha.post('/Users', { ...newUser(), userName: userName.toUpperCase() }),
        ]);
        expect([renamed.status, created.status].filter((s) => s < 300).length).toBe(1);
        const holders = await alpha.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
        expect(holders.body.totalResults).toBe(1);
      }
    });

    it('answers 409 uniqueness for a duplicate userName in any case, and for a rename onto a taken name', async () => {
      const first = await alpha.post('/Users', newUser());
      expectScimError(await alpha.post('/Users', { ...newUser(), userName: first.body.userName.toUpperCase() }), 409, 'uniqueness');
      const second = await alpha.post('/Users', newUser());
      const rename = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'userName', value: first.body.userName }] };
      expectScimError(await alpha.patch(`/Users/${second.body.id}`, rename), 409, 'uniqueness');
      expectScimError(await alpha.put(`/Users/${second.body.id}`, { ...newUser(), userName: first.body.userName }), 409, 'uniqueness');
    });

    it('frees the old name on a rename', async () => {
      const user = await alpha.post('/Users', newUser());
      const renamed = `renamed.${randomUUID()}@example.com`;
      await alpha.patch(`/Users/${user.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: renamed }] });
      expect((await alpha.post('/Users', { ...newUser(), userName: user.body.userName })).status).toBe(201);
      expectScimError(await alpha.post('/Users', { ...newUser(), userName: renamed }), 409, 'uniqueness');
    });

    it('answers 409 for a duplicate externalId', async () => {
      const first = await alpha.post('/Users', newUser());
      expectScimError(await alpha.post('/Users', { ...newUser(), externalId: first.body.externalId }), 409, 'uniqueness');
    });

    it('answers 404 for unknown ids on every method', async () => {
      const id = randomUUID();
      expectScimError(await alpha.get(`/Users/${id}`), 404);
      expectScimError(await alpha.put(`/Users/${id}`, newUser()), 404);
      expectScimError(await alpha.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'title', value: 'x' }] }), 404);
      expectScimError(await alpha.delete(`/Users/${id}`), 404);
      expectScimError(await alpha.get('/Nope'), 404);
    });

    it('honours If-Match: 412 on a stale version, success on the current one', async () => {
      const user = await alpha.post('/Users', newUser());
      const patch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Boss' }] };
      const ok = await alpha.patch(`/Users/${user.body.id}`, patch, { headers: { 'If-Match': 'W/"0"' } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('etag')).toBe('W/"1"');
      expectScimError(await alpha.patch(`/Users/${user.body.id}`, patch, { headers: { 'If-Match': 'W/"0"' } }), 412);
      expectScimError(await alpha.put(`/Users/${user.body.id}`, newUser(), { headers: { 'If-Match': 'W/"7"' } }), 412);
      expectScimError(await alpha.delete(`/Users/${user.body.id}`, { headers: { 'If-Match': 'W/"0"' } }), 412);
      expectScimError(await alpha.delete(`/Users/${user.body.id}`, { headers: { 'If-Match': 'garbage' } }), 412);
      expect((await alpha.delete(`/Users/${user.body.id}`, { headers: { 'If-Match': 'W/"1"' } })).status).toBe(204);
    });
  });

  describe('400s, never a 5xx', () => {
    it.each([
      ['unparsable JSON', '{"userName": '],
      ['a JSON array', '[]'],
      ['a JSON string', '"x"'],
    ])('rejects a POST body that is %s', async (_what, rawBody) => {
      expectScimError(await alpha.request('POST', '/Users', { rawBody }), 400, 'invalidSyntax');
    });

    it('answers 413 for a body over the size limit', async () => {
      const response = await alpha.post('/Users', { ...newUser(), displayName: 'x'.repeat(1_100_000) });
      expectScimError(response, 413);
    });

    it('rejects a user without userName and values of the wrong type', async () => {
      const { userName: _, ...noName } = newUser();
      expectScimError(await alpha.post('/Users', noName), 400, 'invalidValue');
      expectScimError(await alpha.post('/Users', { ...newUser(), active: 'maybe' }), 400, 'invalidValue');
      expectScimError(await alpha.post('/Users', { ...newUser(), name: 'not an object' }), 400, 'invalidValue');
      expectScimError(await alpha.post('/Users', { ...newUser(), userName: 42 }), 400, 'invalidValue');
    });

    it('accepts "True"/"False" strings for booleans on POST', async () => {
      const created = await alpha.post('/Users', { ...newUser(), active: 'False' });
      expect(created.status).toBe(201);
      expect(created.body.active).toBe(false);
    });

    it('accepts application/json bodies and refuses other media types', async () => {
      const json = await alpha.post('/Users', newUser(), { headers: { 'Content-Type': 'application/json' } });
      expect(json.status).toBe(201);
      const text = await alpha.request('POST', '/Users', { rawBody: 'userName=x', headers: { 'Content-Type': 'text/plain' } });
      expect(text.status).toBe(415);
      expect(text.body.schemas).toEqual([ERROR]);
    });

    it.each([
      ['userName eq'],
      ['userName xx "a"'],
      ['(userName eq "a"'],
      ['emails[type eq "work"'],
      ['nosuchattribute eq "a"'],
      ['name eq "x"'],
      ['active gt true'],
    ])('answers 400 invalidFilter for %j', async (filter) => {
      expectScimError(await alpha.get(`/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
    });

    it('answers 400 for bad paging and sorting parameters', async () => {
      expectScimError(await alpha.get('/Users?startIndex=abc'), 400);
      expectScimError(await alpha.get('/Users?count=1.5'), 400);
      expectScimError(await alpha.get('/Users?sortOrder=sideways'), 400);
    });

    it.each([
      ['no Operations', { schemas: [PATCH_OP] }],
      ['Operations not an array', { schemas: [PATCH_OP], Operations: {} }],
      ['an unknown op', { schemas: [PATCH_OP], Operations: [{ op: 'frobnicate', path: 'title', value: 'x' }] }],
      ['a malformed path', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }] }],
      ['a sub-attribute of an unknown attribute', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'favouriteColour.shade', value: 'x' }] }],
      ['a read-only attribute', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'id', value: 'x' }] }],
      ['remove without a path', { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] }],
      ['a boolean that is not one', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: 'sometimes' }] }],
      ['removing userName', { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'userName' }] }],
    ])('answers 400 for a PATCH with %s', async (_what, body) => {
      const user = await alpha.post('/Users', newUser());
      const response = await alpha.patch(`/Users/${user.body.id}`, body);
      expectScimError(response, 400);
      expect((await alpha.get(`/Users/${user.body.id}`)).body.meta.version).toBe('W/"0"');
    });
  });

  describe('discovery and Groups', () => {
    it('describes exactly what is supported', async () => {
      const config = await alpha.get('/ServiceProviderConfig');
      expect(config.status).toBe(200);
      expect(config.body).toMatchObject({
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 50 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
      });
      const types = await alpha.get('/ResourceTypes');
      expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User']);
      const schemas = await alpha.get('/Schemas');
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      ]);
      expect((await alpha.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:User')).body.attributes.length).toBeGreaterThan(20);
      expectScimError(await alpha.get('/Schemas/urn:nope'), 404);
    });

    it.each(['GET', 'POST', 'PATCH', 'PUT', 'DELETE'])('answers %s /Groups with a SCIM error that says only users are provisioned', async (method) => {
      const response = await alpha.request(method, `/Groups${method === 'GET' ? '?excludedAttributes=members&filter=displayName+eq+%22x%22' : '/abc'}`, {
        body: method === 'GET' || method === 'DELETE' ? undefined : { displayName: 'x' },
      });
      expectScimError(response, 404);
      expect(response.body.detail).toMatch(/only users/i);
    });
  });
});
