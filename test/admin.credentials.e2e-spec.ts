import { AdminClient, TEST_ADMIN_TOKEN, withAdminToken } from '@app/testing/admin-client';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { storageTargets } from '@app/testing/postgres-target';
import { scimRequest } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { loadConfig } from '@app/platform/config/app-config';

const ACME = { providerId: 'acme', token: 'acme-scim-token-0123456789abcdef' };

/** An admin error as every admin route answers it: JSON with the status, a code word and a message. */
function expectAdminError(response: { status: number; headers: Headers; body: any }, status: number, error?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body).toMatchObject({ status, ...(error ? { error } : {}) });
  expect(typeof response.body.error).toBe('string');
  expect(response.body.message).toEqual(expect.any(String));
}

describeOnEveryStore('admin credentials', [ACME], (suite) => {
  const admin = (token: string | null = TEST_ADMIN_TOKEN) => new AdminClient(suite.server.adminOrigin, token);

  it('answers 401 JSON without a token, with a wrong one, and with a SCIM token, before reading the body', async () => {
    for (const token of [null, 'not-an-admin-token-0123456789', ACME.token]) {
      const refused = await admin(token).post('/admin-tokens', { label: 'mallory' });
      expectAdminError(refused, 401, 'UNAUTHORIZED');
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
      expect(refused.headers.get('connection')).toBe('close');
    }
    expect((await admin().get('/admin-tokens')).body.adminTokens).toEqual([]);
  });

  it('issues admin tokens with a label (the secret once), lists them without secrets, and revokes them: then they answer 401', async () => {
    const issued = await admin().post('/admin-tokens', { label: '  Ops on call ' });
    expect(issued.status).toBe(201);
    expect(issued.body).toEqual({ token: expect.stringMatching(/^admin_[A-Za-z0-9_-]{43}$/), tokenId: expect.any(String), label: 'Ops on call', issuedAt: expect.any(String), revoked: false });
    const ops = admin(issued.body.token);
    const listed = await ops.get('/admin-tokens');
    expect(listed.status).toBe(200);
    expect(listed.body.adminTokens).toContainEqual({ tokenId: issued.body.tokenId, label: 'Ops on call', issuedAt: issued.body.issuedAt, revoked: false });
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.token);

    // The issued admin token acts with its own id and label: the revoke it makes is recorded so.
    const second = (await ops.post('/admin-tokens', { label: 'temporary' })).body;
    const revoked = await ops.post(`/admin-tokens/${second.tokenId}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ tokenId: second.tokenId, revoked: true });
    expect((await ops.post(`/admin-tokens/${second.tokenId}/revoke`)).status).toBe(200);
    expectAdminError(await admin(second.token).get('/admin-tokens'), 401);

    const events = await suite.server.stores.events.readStream(StreamIds.administrators());
    const revocation = events.find((e) => e.type === 'AdminTokenRevoked' && (e.data as { tokenId: string }).tokenId === second.tokenId);
    expect(revocation?.metadata).toMatchObject({ actor: { kind: 'admin', tokenId: issued.body.tokenId, name: 'Ops on call' }, correlationId: expect.any(String), clientAddress: '127.0.0.1' });
    const issue = events.find((e) => e.type === 'AdminTokenIssued' && (e.data as { tokenId: string }).tokenId === issued.body.tokenId);
    expect(issue?.metadata.actor).toEqual({ kind: 'admin', tokenId: 'bootstrap-admin', name: 'ADMIN_TOKEN' });
    expect(JSON.stringify(events)).not.toContain(issued.body.token);
  });

  it('never lets an admin token open a SCIM route', async () => {
    const { token } = (await admin().post('/admin-tokens', { label: 'not for SCIM' })).body;
    for (const bearer of [token, TEST_ADMIN_TOKEN]) {
      const refused = await scimRequest('GET', `${suite.server.tenantUrl(ACME.providerId)}/Users`, { token: bearer });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    }
    expect((await scimRequest('GET', `${suite.server.tenantUrl(ACME.providerId)}/Users`, { token: ACME.token })).status).toBe(200);
  });

  it('answers errors as admin JSON, never SCIM JSON and never a 500: unknown routes, bad bodies, unknown tokens', async () => {
    expectAdminError(await admin().get('/no-such-thing'), 404, 'NOT_FOUND');
    expectAdminError(await admin(null).get('/no-such-thing'), 404, 'NOT_FOUND');
    expectAdminError(await admin().request('PUT', '/admin-tokens'), 404, 'NOT_FOUND');
    expectAdminError(await admin().post('/admin-tokens/nope/revoke'), 404, 'ADMIN_TOKEN_NOT_FOUND');
    expectAdminError(await admin().post('/admin-tokens/bootstrap-admin/revoke'), 404, 'ADMIN_TOKEN_NOT_FOUND');
    expectAdminError(await admin().post('/admin-tokens', {}), 400, 'INVALID_REQUEST');
    expectAdminError(await admin().post('/admin-tokens', { label: '' }), 400, 'INVALID_REQUEST');
    expectAdminError(await admin().post('/admin-tokens', { label: 7 }), 400, 'INVALID_REQUEST');
    const typo = await admin().post('/admin-tokens', { lable: 'x' });
    expectAdminError(typo, 400, 'INVALID_REQUEST');
    expect(typo.body.message).toContain('"lable"');
    expectAdminError(await admin().post('/admin-tokens', ['label']), 400, 'INVALID_REQUEST');
    expectAdminError(await admin().post('/admin-tokens', { __proto__: { label: 'x' }, constructor: 'x' }), 400, 'INVALID_REQUEST');
    expectAdminError(await admin().request('POST', '/admin-tokens', { rawBody: '{"label":', headers: { 'Content-Type': 'application/json' } }), 400, 'INVALID_SYNTAX');
    expectAdminError(await admin().request('POST', '/admin-tokens', { rawBody: 'label=x', headers: { 'Content-Type': 'text/plain' } }), 415);
    expectAdminError(await admin().get('/%E0%A4%A'), 400);
  });
}, withAdminToken());

describe('ADMIN_PORT: the admin routes on a listener of their own', () => {
  let server: ScimTestServer;
  beforeAll(async () => {
    server = await ScimTestServer.start(storageTargets()[0], [ACME], undefined, withAdminToken({ port: 0 }));
  });
  afterAll(async () => server?.close());

  it('serves /admin/v1 there only; SCIM stays on PORT, and the admin listener serves no SCIM', async () => {
    expect(server.adminOrigin).not.toBe(server.origin);
    expect((await new AdminClient(server.adminOrigin).get('/admin-tokens')).status).toBe(200);
    expectAdminError(await new AdminClient(server.origin).get('/admin-tokens'), 404, 'NOT_FOUND');
    const onAdminPort = await scimRequest('GET', `${server.adminOrigin}/scim/v2/enterprise-idps/${ACME.providerId}/Users`, { token: ACME.token });
    expect(onAdminPort.status).toBe(404);
    expect((await scimRequest('GET', `${server.tenantUrl(ACME.providerId)}/Users`, { token: ACME.token })).status).toBe(200);
  });

  it('hands out Tenant URLs where SCIM listens, not where the admin request came in', async () => {
    const created = await new AdminClient(server.adminOrigin).post('/identity-providers', { displayName: 'Apart' });
    expect(created.body.tenantUrl).toBe(server.tenantUrl(created.body.providerId));
  });
});

describe('PUBLIC_BASE_URL: the origin of the Tenant URLs the admin API hands out', () => {
  it.each([
    ['beside SCIM', {}],
    ['on ADMIN_PORT', { port: 0 }],
  ])('%s', async (_case, admin) => {
    const server = await ScimTestServer.start(storageTargets()[0], [], undefined, { ...withAdminToken(admin), publicBaseUrl: 'https://scim.example.com' });
    try {
      const created = await new AdminClient(server.adminOrigin).post('/identity-providers', { displayName: 'Public', providerId: 'public' });
      expect(created.body.tenantUrl).toBe('https://scim.example.com/scim/v2/enterprise-idps/public');
      expect((await new AdminClient(server.adminOrigin).get('/identity-providers')).body.identityProviders[0].tenantUrl).toBe(created.body.tenantUrl);
    } finally {
      await server.close();
    }
  });
});

describe('refusals of the admin API, sent late as SCIM\'s are (RATE_LIMIT_REFUSAL_DELAY_MS)', () => {
  let server: ScimTestServer;
  beforeAll(async () => {
    server = await ScimTestServer.start(storageTargets()[0], [], undefined, { ...withAdminToken(), rateLimits: { ...loadConfig({}).rateLimits, refusalDelayMs: 1000 } });
  });
  afterAll(async () => server?.close());

  it('answers a wrong token and an unknown route after the delay, an authenticated request at once', async () => {
    const timed = async (request: () => Promise<{ status: number }>) => {
      const started = performance.now();
      const { status } = await request();
      return { status, ms: performance.now() - started };
    };
    const wrong = await timed(() => new AdminClient(server.adminOrigin, 'guessed-admin-token-0123456789').get('/admin-tokens'));
    const unknown = await timed(() => new AdminClient(server.adminOrigin).get('/nothing-here'));
    const allowed = await timed(() => new AdminClient(server.adminOrigin).get('/admin-tokens'));
    expect([wrong.status, unknown.status, allowed.status]).toEqual([401, 404, 200]);
    expect(Math.min(wrong.ms, unknown.ms)).toBeGreaterThanOrEqual(990);
    expect(allowed.ms).toBeLessThan(900);
  });
});
