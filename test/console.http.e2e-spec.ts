import { StreamIds } from '@app/identity/shared/stream-ids';
import { AdminClient, TEST_ADMIN_TOKEN, withAdminToken } from '@app/testing/admin-client';
import { entraCreateUser } from '@app/testing/entra-payloads';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { loadConfig } from '@app/platform/config/app-config';
import { randomUUID } from 'node:crypto';
import { ConsoleHttp } from './console-session';

const HOSTILE = '<script>alert("pwned")</script>';

/** The console over plain HTTP: sessions, CSRF, cookies, error pages and escaping, where a browser would hide them. */
describe('the admin console over HTTP', () => {
  let server: ScimTestServer;
  let api: AdminClient;
  beforeAll(async () => {
    server = await ScimTestServer.start({ name: 'pglite' }, [], undefined, withAdminToken());
    api = new AdminClient(server.adminOrigin);
  });
  afterAll(async () => server?.close());

  it('sends a browser without a session to the login form, for any page and any form', async () => {
    const anonymous = new ConsoleHttp(server.origin);
    for (const path of ['/admin', '/admin/idps', '/admin/journal', `/admin/idps/${randomUUID()}`]) {
      const answer = await anonymous.get(path);
      expect({ path, status: answer.status, location: answer.headers.get('location') }).toEqual({ path, status: 303, location: '/admin/login' });
    }
    expect((await anonymous.post('/admin/idps', { displayName: 'x' }, { csrf: 'anything' })).headers.get('location')).toBe('/admin/login');
    const login = await anonymous.get('/admin/login');
    expect(login.status).toBe(200);
    expect(login.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(login.text).toContain('<label for="token">Admin token</label>');
    expect((await api.get('/identity-providers')).body.identityProviders).toEqual([]);
  });

  it('refuses a wrong token with a message and no session, whatever was pasted', async () => {
    for (const token of ['not-a-token', '', ' ', `${TEST_ADMIN_TOKEN} `.repeat(2)]) {
      const browser = new ConsoleHttp(server.origin);
      const answer = await browser.signIn(token);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('set-cookie')).toBeNull();
      expect(answer.text).toMatch(/role="alert"><p class="error">(That is not a valid admin token|Paste an admin token)/);
    }
    // Beyond the admin bodies' string limit: refused before any check, as the admin API refuses it.
    const huge = await new ConsoleHttp(server.origin).signIn('x'.repeat(100_000));
    expect({ status: huge.status, cookie: huge.headers.get('set-cookie') }).toEqual({ status: 400, cookie: null });
    expect(huge.text).toContain('role="alert"');
    // A SCIM token is no admin token.
    const idp = (await api.post('/identity-providers', { displayName: 'Fabrikam' })).body;
    const scimToken = (await api.post(`/identity-providers/${idp.providerId}/tokens`, {})).body.token;
    expect((await new ConsoleHttp(server.origin).signIn(scimToken)).status).toBe(401);
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie for /admin only, never the token', async () => {
    const browser = new ConsoleHttp(server.origin);
    const answer = await browser.signIn();
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/admin/idps');
    expect(answer.headers.get('set-cookie')).toMatch(/^scim_console=[A-Za-z0-9_-]{43}; Path=\/admin; HttpOnly; SameSite=Strict$/);
    expect(browser.cookie).not.toContain(TEST_ADMIN_TOKEN);
    const page = await browser.get('/admin/idps');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('Signed in as ADMIN_TOKEN');
    // Another sign-in is another session.
    const other = new ConsoleHttp(server.origin);
    await other.signIn();
    expect(other.cookie).not.toBe(browser.cookie);
  });

  it('refuses a form without the session CSRF token, with a wrong one, or from another origin (403), and takes it with both', async () => {
    const browser = new ConsoleHttp(server.origin);
    await browser.signIn();
    const csrf = browser.csrf!;
    const attempts = [
      await browser.post('/admin/idps', { displayName: 'Forged' }, { csrf: false }),
      await browser.post('/admin/idps', { displayName: 'Forged' }, { csrf: `${csrf.slice(0, -1)}x` }),
      await browser.post('/admin/idps', { displayName: 'Forged' }, { csrf: 'short' }),
      await browser.post('/admin/idps', { displayName: 'Forged' }, { csrf, origin: 'https://evil.example' }),
      await browser.post('/admin/logout', {}, { csrf: false }),
    ];
    for (const refused of attempts) {
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('role="alert"');
    }
    // Another session's token is no good either.
    const other = new ConsoleHttp(server.origin);
    await other.signIn();
    expect((await browser.post('/admin/idps', { displayName: 'Forged' }, { csrf: other.csrf })).status).toBe(403);
    expect((await api.get('/identity-providers')).body.identityProviders.map((p: { displayName: string }) => p.displayName)).not.toContain('Forged');

    const created = await browser.post('/admin/idps', { displayName: 'Contoso' }, { origin: server.origin });
    expect(created.status).toBe(303);
    const providerId = decodeURIComponent(created.headers.get('location')!.split('/').pop()!);
    const actor = (await server.stores.events.readStream(StreamIds.identityProvider(providerId)))[0]?.metadata.actor;
    expect(actor).toEqual({ kind: 'admin', tokenId: expect.any(String), name: 'ADMIN_TOKEN' });
  });

  it('ends the session on sign-out and when its admin token is revoked', async () => {
    const browser = new ConsoleHttp(server.origin);
    await browser.signIn();
    const signedOut = await browser.post('/admin/logout', {});
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('set-cookie')).toBe('scim_console=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0');
    expect((await browser.get('/admin/idps')).headers.get('location')).toBe('/admin/login');

    const issued = (await api.post('/admin-tokens', { label: 'Helpdesk' })).body;
    const helpdesk = new ConsoleHttp(server.origin);
    await helpdesk.signIn(issued.token);
    expect((await helpdesk.get('/admin/idps')).text).toContain('Signed in as Helpdesk');
    expect((await api.post(`/admin-tokens/${issued.tokenId}/revoke`)).status).toBe(200);
    expect((await helpdesk.get('/admin/idps')).headers.get('location')).toBe('/admin/login');
    expect(JSON.stringify(helpdesk.bodies)).not.toContain(issued.token);
  });

  it('rotates and revokes tokens, retires attributes and disables SCIM through the admin API, the new secret shown once', async () => {
    const browser = new ConsoleHttp(server.origin);
    await browser.signIn();
    const idp = (await api.post('/identity-providers', { displayName: 'Northwind' })).body;
    const base = `/admin/idps/${encodeURIComponent(idp.providerId)}`;
    const issued = await browser.post(`${base}/tokens`, { scopes: ['users:read', 'users:write'], label: 'Entra', expiresIn: '90d' });
    expect(issued.status).toBe(303);
    const first = await browser.get(issued.headers.get('location')!);
    const secret = /id="secret">([^<]+)</.exec(first.text)![1];
    const tokenId = issued.headers.get('location')!.split('/').pop()!;
    expect((await api.get(`/identity-providers/${idp.providerId}/tokens`)).body.tokens).toMatchObject([{ tokenId, label: 'Entra', scopes: ['users:read', 'users:write'], expiresAt: expect.any(String) }]);

    const rotated = await browser.post(`${base}/tokens/${tokenId}/rotate`, { overlap: '1h' });
    const newTokenId = rotated.headers.get('location')!.split('/').pop()!;
    expect(newTokenId).not.toBe(tokenId);
    const shown = await browser.get(rotated.headers.get('location')!);
    const newSecret = /id="secret">([^<]+)</.exec(shown.text)![1];
    expect(newSecret).toMatch(/^scim_/);
    expect((await browser.get(rotated.headers.get('location')!)).text).not.toContain(newSecret);
    expect((await browser.get(issued.headers.get('location')!)).text).not.toContain(secret);
    // During the overlap the old token can still be revoked, not rotated again (the API would answer 409); the buttons tell the two apart.
    const page = (await browser.get(base)).text;
    expect(page).not.toContain(`${base}/tokens/${tokenId}/rotate`);
    expect(page).toContain(`${base}/tokens/${tokenId}/revoke`);
    expect(page).toContain('Revoke Entra (rotated)');
    expect(page).toContain(`${base}/tokens/${newTokenId}/rotate`);

    expect((await browser.post(`${base}/tokens/${newTokenId}/revoke`, {})).status).toBe(303);
    expect((await browser.get(base)).text).toContain(`Token ${newTokenId} revoked.`);
    expect((await browser.post(`${base}/attributes`, { name: 'BadgeNumber', type: 'integer' })).status).toBe(303);
    expect((await browser.post(`${base}/attributes/retire`, { name: 'BadgeNumber' })).status).toBe(303);
    await browser.post(`${base}/scim`, { enabled: 'true' });
    await browser.post(`${base}/scim`, { enabled: 'false' });
    const after = (await api.get(`/identity-providers/${idp.providerId}`)).body;
    expect(after).toMatchObject({ scimEnabled: false, customAttributes: [{ name: 'BadgeNumber', type: 'integer', retired: true }] });
    expect(after.tokens.find((t: { tokenId: string }) => t.tokenId === newTokenId)).toMatchObject({ revoked: true });
    const events = await server.stores.events.readStream(StreamIds.identityProvider(idp.providerId));
    expect(events.slice(1).map((e) => [e.type, e.metadata.actor?.name])).toEqual([
      ['TokenIssued', 'ADMIN_TOKEN'],
      // A rotation issues the replacement and marks the old token rotated.
      ['TokenIssued', 'ADMIN_TOKEN'],
      ['TokenRotated', 'ADMIN_TOKEN'],
      ['TokenRevoked', 'ADMIN_TOKEN'],
      ['CustomAttributeRegistered', 'ADMIN_TOKEN'],
      ['CustomAttributeRetired', 'ADMIN_TOKEN'],
      ['ScimEnabled', 'ADMIN_TOKEN'],
      ['ScimDisabled', 'ADMIN_TOKEN'],
    ]);
  });

  it('shows errors as pages: a readable message for a bad form, 404 for unknown ids and pages, never a stack', async () => {
    const browser = new ConsoleHttp(server.origin);
    await browser.signIn();
    const idp = (await api.post('/identity-providers', { displayName: 'Errors' })).body;
    const pid = encodeURIComponent(idp.providerId);
    const cases: [Promise<{ status: number; text: string }>, number, string][] = [
      [browser.get(`/admin/idps/${randomUUID()}`), 404, 'No identity provider'],
      [browser.get('/admin/no-such-page'), 404, 'There is no page /admin/no-such-page'],
      [browser.get(`/admin/idps/${pid}/users/not-a-uuid`), 404, 'not found'],
      [browser.get(`/admin/idps/${pid}/users/${randomUUID()}`), 404, 'was ever provisioned'],
      [browser.get(`/admin/idps/${pid}/tokens/${randomUUID()}`), 404, 'No token'],
      [browser.post(`/admin/idps/${pid}/tokens`, { label: 'none' }), 400, 'at least one scope'],
      [browser.post(`/admin/idps/${pid}/tokens`, { scopes: 'users:read', expiresIn: 'soon' }), 400, ''],
      [browser.post(`/admin/idps/${pid}/attributes`, { name: 'JobCode', type: 'colour' }), 400, ''],
      [browser.post('/admin/idps', { displayName: 'x'.repeat(300) }), 400, 'displayName'],
      [browser.get(`/admin/idps/${pid}/users?by=nickName&value=x`), 400, 'exactly one of'],
      [browser.get('/admin/journal?from=yesterday'), 400, 'ISO 8601'],
      [browser.get('/admin/journal?status=teapot'), 400, '?status='],
    ];
    const tooLarge = browser.post('/admin/idps', { displayName: 'x'.repeat(loadConfig({}).bodyLimitBytes) });
    cases.push([tooLarge, 413, '']);
    for (const [answer, status, message] of cases) {
      const { status: got, text } = await answer;
      expect({ got, message: text.includes(message), alert: text.includes('role="alert"') }).toEqual({ got: status, message: true, alert: true });
      expect(text).not.toMatch(/at \w+ \(|Internal server error/);
    }
    // A form is the console's alone: to SCIM it is an unsupported media type, as it was before the console.
    const scimToken = (await api.post(`/identity-providers/${idp.providerId}/tokens`, {})).body.token;
    await api.post(`/identity-providers/${idp.providerId}/enable-scim`);
    const form = await fetch(`${server.tenantUrl(idp.providerId)}/Users`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${scimToken}` }, body: 'userName=a' });
    expect(form.status).toBe(415);
    // ...and application/json is parsed by the service's own parser, under SCIM_MAX_JSON_DEPTH (Nest's, registered last, took it past the limit).
    const deep = await fetch(`${server.tenantUrl(idp.providerId)}/Users`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${scimToken}` }, body: `{"userName":"deep@example.com","x":${'['.repeat(5_000)}${']'.repeat(5_000)}}` });
    expect({ status: deep.status, detail: ((await deep.json()) as { detail: string }).detail }).toEqual({ status: 400, detail: expect.stringContaining('SCIM_MAX_JSON_DEPTH') });
    // The admin API keeps its JSON errors.
    expect((await api.get('/no-such-route')).body).toMatchObject({ status: 404, error: 'NOT_FOUND' });
  });

  it('escapes hostile values everywhere they are shown', async () => {
    const browser = new ConsoleHttp(server.origin);
    await browser.signIn();
    const created = await browser.post('/admin/idps', { displayName: HOSTILE });
    const providerId = decodeURIComponent(created.headers.get('location')!.split('/').pop()!);
    await browser.post(`/admin/idps/${encodeURIComponent(providerId)}/scim`, { enabled: 'true' });
    const issued = (await api.post(`/identity-providers/${providerId}/tokens`, { label: HOSTILE })).body;
    await api.post(`/identity-providers/${providerId}/custom-attributes`, { name: 'JobCode' });
    const entra = new ScimClient(server.tenantUrl(providerId), issued.token);
    const user = await entra.post('/Users', { ...entraCreateUser(`eve.${randomUUID()}@contoso.example`, HOSTILE), displayName: HOSTILE, JobCode: HOSTILE });
    expect(user.status).toBe(201);
    const pages = [
      await browser.get('/admin/idps'),
      await browser.get(`/admin/idps/${encodeURIComponent(providerId)}`),
      await browser.get(`/admin/idps/${encodeURIComponent(providerId)}/users?by=externalId&value=${encodeURIComponent(HOSTILE)}`),
      await browser.get(`/admin/idps/${encodeURIComponent(providerId)}/users/${user.body.id}?at=${encodeURIComponent(HOSTILE)}`),
      await browser.get(`/admin/journal?externalId=${encodeURIComponent(HOSTILE)}`),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('<script>alert');
      expect(page.text).toContain('&lt;script&gt;alert(&quot;pwned&quot;)');
    }
  });

  it('never sends the admin token back, nor logs it', async () => {
    const browser = new ConsoleHttp(server.origin);
    await browser.signIn();
    await browser.signIn(`${TEST_ADMIN_TOKEN}x`);
    await browser.get('/admin/idps');
    expect(browser.bodies.length).toBeGreaterThan(2);
    for (const body of browser.bodies) expect(body).not.toContain(TEST_ADMIN_TOKEN);
    expect(server.logLines.join('')).not.toContain(TEST_ADMIN_TOKEN);
  });
});

describe('the admin console behind an https proxy', () => {
  let server: ScimTestServer;
  beforeAll(async () => {
    server = await ScimTestServer.start({ name: 'pglite' }, [], undefined, { ...withAdminToken(), http: { ...loadConfig({}).http, trustProxy: true } });
  });
  afterAll(async () => server?.close());

  it('marks the session cookie Secure when the request came over https', async () => {
    const answer = await fetch(`${server.origin}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-Proto': 'https' },
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }).toString(),
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('set-cookie')).toMatch(/; Path=\/admin; HttpOnly; SameSite=Strict; Secure$/);
  });
});

describe('the admin console with ADMIN_PORT', () => {
  let server: ScimTestServer;
  beforeAll(async () => {
    server = await ScimTestServer.start({ name: 'pglite' }, [], undefined, withAdminToken({ port: 0 }));
  });
  afterAll(async () => server?.close());

  it('is served on the admin listener only, handing out Tenant URLs on the SCIM one', async () => {
    const onScim = await new ConsoleHttp(server.origin).get('/admin/login');
    expect(onScim.status).toBe(404);
    expect(onScim.text).toContain('There is no page /admin/login');
    const browser = new ConsoleHttp(server.adminOrigin);
    expect((await browser.signIn()).status).toBe(303);
    const created = await browser.post('/admin/idps', { displayName: 'Split listeners' }, { origin: server.adminOrigin });
    const page = await browser.get(created.headers.get('location')!);
    const providerId = decodeURIComponent(created.headers.get('location')!.split('/').pop()!);
    expect(page.text).toContain(`<code id="tenant-url">${server.tenantUrl(providerId)}</code>`);
  });
});
