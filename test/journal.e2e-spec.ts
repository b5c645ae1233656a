import { loadConfig } from '@app/platform/config/app-config';
import { AdminClient, TEST_ADMIN_TOKEN, withAdminToken } from '@app/testing/admin-client';
import { entraCreateUser, entraSetActive } from '@app/testing/entra-payloads';
import { eventually } from '@app/testing/eventually';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient, ScimResponse, scimRequest } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';
import { runAdminCli } from '../apps/admin-cli/src/admin-cli';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = 'Pa55word-never-journaled';

interface Entry {
  at: string;
  requestId: string;
  providerId: string | null;
  tokenId: string | null;
  clientAddress: string;
  method: string;
  path: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  durationMs: number;
  identifiers: { userIds: string[]; userNames: string[]; emails: string[]; externalIds: string[] };
  body: unknown;
  bodyTruncated: boolean;
}

/**
 * Issue 10 items 1 and 2 as support uses them: an Entra-like lifecycle for one mail with failures
 * mixed in, then "what happened to <mail> between t0 and t1?" through the admin API and
 * `npm run admin -- journal search`, on PGlite and PostgreSQL (the journal lives in the SQL database
 * whatever holds the event log).
 */
describe.each(storageTargets().filter((t) => t.name !== 'esdb-test-double').map((t) => [t.name, t] as const))('the request journal on %s', (_name, target) => {
  const providerId = `contoso-${randomUUID().slice(0, 8)}`;
  const token = `journal-token-${randomUUID()}`;
  let server: ScimTestServer;
  let admin: AdminClient;

  beforeAll(async () => {
    server = await ScimTestServer.start(target, [{ providerId, token }], undefined, withAdminToken());
    admin = new AdminClient(server.adminOrigin);
  });
  afterAll(() => server?.close());

  async function cli(...argv: string[]) {
    let [out, err] = ['', ''];
    const code = await runAdminCli(argv, { ADMIN_URL: server.adminOrigin, ADMIN_TOKEN: TEST_ADMIN_TOKEN }, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  }

  async function search(query: string): Promise<{ entries: Entry[]; nextCursor?: string }> {
    const found = await admin.get(`/journal?${query}`);
    expect(found.status).toBe(200);
    return found.body;
  }

  it('finds every request for a mail in a time window, rejected ones with their detail, by API and CLI', async () => {
    const entra = new ScimClient(server.tenantUrl(providerId), token);
    const mail = `Ada.${randomUUID()}@Contoso.example`;
    const externalId = randomUUID();
    const sent: { response: ScimResponse; expect: Partial<Entry> }[] = [];
    const send = async (response: Promise<ScimResponse>, expected: Partial<Entry>) => {
      const answered = await response;
      expect(answered.status).toBe(expected.status);
      sent.push({ response: answered, expect: expected });
      return answered;
    };
    const from = new Date().toISOString();

    // Entra's cycle: look up, create (with a password Entra may send), a duplicate create, a bad PATCH,
    // a stale token, the Tenant URL of an IdP that does not exist, a deactivation by id, and the delete.
    await send(entra.get(`/Users?filter=${encodeURIComponent(`userName eq "${mail}"`)}`), { method: 'GET', status: 200, tokenId: expect.any(String) });
    const created = await send(entra.post('/Users', { ...entraCreateUser(mail, externalId), password: SECRET }), { method: 'POST', status: 201 });
    const userId: string = created.body.id;
    await send(entra.post('/Users', entraCreateUser(mail, externalId)), { method: 'POST', status: 409, scimType: 'uniqueness', detail: expect.stringMatching(/userName|externalId/) });
    await send(entra.patch(`/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'explode', path: 'title', value: 'x' }] }), {
      method: 'PATCH',
      status: 400,
      scimType: expect.any(String),
      detail: expect.stringContaining('explode'),
    });
    await send(scimRequest('PATCH', `${server.tenantUrl(providerId)}/Users/${userId}`, { token: 'a-stale-token-0123456789', body: entraSetActive('default', false) }), {
      status: 401,
      tokenId: null,
      detail: expect.any(String),
    });
    await send(scimRequest('POST', `${server.tenantUrl('no-such-idp')}/Users`, { token, body: entraCreateUser(mail, externalId) }), { status: 404, providerId: 'no-such-idp', detail: expect.stringContaining('no-such-idp') });
    // A password is dropped by the service and never journaled.
    const deactivate = entraSetActive('default', false);
    await send(entra.patch(`/Users/${userId}`, { ...deactivate, Operations: [{ op: 'Replace', path: 'password', value: SECRET }, ...(deactivate.Operations as unknown[])] }), { method: 'PATCH', status: 200 });
    await send(entra.delete(`/Users/${userId}`), { method: 'DELETE', status: 204 });
    // Another user's requests in the same window are not this mail's.
    expect((await entra.post('/Users', entraCreateUser(`grace.${randomUUID()}@contoso.example`, randomUUID()))).status).toBe(201);
    const to = new Date().toISOString();

    // Each answer names its request id; the journal has one entry per request, in order. The request
    // to an unknown IdP was refused before its body was read (as 401s and 429s are): it carries no mail
    // and is found by the IdP its URL named, with its detail.
    const requestIds = sent.map(({ response }) => response.headers.get('x-request-id'));
    expect(requestIds.every((id) => UUID.test(id ?? ''))).toBe(true);
    const query = `email=${encodeURIComponent(mail.toUpperCase())}&from=${from}&to=${to}`;
    const forMail = [0, 1, 2, 3, 4, 6, 7];
    let entries: Entry[] = [];
    await eventuallyAsync(async () => {
      entries = (await search(query)).entries;
      expect(entries.map((e) => e.requestId)).toEqual(forMail.map((i) => requestIds[i]));
    });
    entries.forEach((entry, i) => {
      expect(entry).toMatchObject({ providerId, clientAddress: expect.stringMatching(/127\.0\.0\.1/), durationMs: expect.any(Number), ...sent[forMail[i]].expect });
      expect(entry.path).toMatch(/^\/scim\/v2\/enterprise-idps\//);
    });
    const [unknownIdp] = (await search(`providerId=no-such-idp&from=${from}&to=${to}`)).entries;
    expect(unknownIdp).toMatchObject({ requestId: requestIds[5], method: 'POST', body: null, tokenId: null, ...sent[5].expect });
    expect(entries[0].tokenId).toMatch(/.+/);
    expect(entries[1]).toMatchObject({ identifiers: { userIds: [userId], emails: [mail.toLowerCase()], userNames: [mail.toLowerCase()], externalIds: [externalId] }, bodyTruncated: false });
    expect(entries[1].body).toMatchObject({ userName: mail, externalId });
    expect(JSON.stringify(entries)).not.toContain(SECRET);
    expect(entries[5].body).toMatchObject({ Operations: [{ op: 'Replace', path: 'password' }, expect.anything()] });

    // The same by userName, externalId and user id within the IdP (the request to the unknown IdP is
    // not its own): each value's requests, and those addressed to the user by id; narrowed to 4xx; paged.
    const within = `providerId=${providerId}&from=${from}&to=${to}`;
    for (const [other, indexes] of [
      [`userName=${encodeURIComponent(mail)}`, [0, 1, 2, 3, 4, 6, 7]],
      [`externalId=${externalId}`, [1, 2, 3, 4, 6, 7]],
      [`userId=${userId.toUpperCase()}`, [1, 3, 4, 6, 7]],
    ] as const) {
      expect((await search(`${other}&${within}`)).entries.map((e) => e.requestId)).toEqual(indexes.map((i) => requestIds[i]));
    }
    expect((await search(`${query}&status=4xx`)).entries.map((e) => e.status)).toEqual([409, 400, 401]);
    expect((await search(`${query}&status=409`)).entries.map((e) => e.requestId)).toEqual([requestIds[2]]);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.entries.map((e) => e.requestId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(entries.map((e) => e.requestId));

    // The CLI: one command answers the question, a table of every request; --json has everything.
    const table = await cli('journal', 'search', '--email', mail, '--from', from, '--to', to);
    expect({ code: table.code, err: table.err }).toEqual({ code: 0, err: '' });
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+IDP\s+METHOD\s+PATH\s+STATUS\s+SCIMTYPE\s+REQUEST ID\s+DETAIL$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[4])).toEqual(['200', '201', '409', '400', '401', '200', '204']);
    expect(lines[3]).toContain('uniqueness');
    forMail.forEach((index, i) => expect(lines[i + 1]).toContain(requestIds[index]));
    const json = await cli('journal', 'search', '--email', mail, '--idp', providerId, '--status', '4xx', '--json');
    expect(JSON.parse(json.out).entries.map((e: Entry) => e.status)).toEqual([409, 400, 401]);
    const shown = await cli('journal', 'show', requestIds[1]!);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`POST /scim/v2/enterprise-idps/${providerId}/Users`);
    expect(shown.out).toContain(`"userName": "${mail}"`);
    expect(shown.out).not.toContain(SECRET);

    // The log line of each request names it and its IdP, never a user value.
    const completed = server.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request completed' && line.requestId === requestIds[2]);
    expect(completed).toEqual([expect.objectContaining({ providerId, status: 409 })]);
    expect(server.logLines.join('')).not.toContain(mail);
  });

  it('answers admin and unknown SCIM routes with a request id, and journals the latter', async () => {
    const adminAnswer = await admin.get('/identity-providers');
    expect(adminAnswer.headers.get('x-request-id')).toMatch(UUID);
    const unknown = await scimRequest('GET', `${server.origin}/scim/v2/nowhere?x=1`);
    expect(unknown.status).toBe(404);
    const requestId = unknown.headers.get('x-request-id')!;
    await eventuallyAsync(async () => {
      const found = await admin.get(`/journal/${requestId}`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ requestId, providerId: null, tokenId: null, method: 'GET', path: '/scim/v2/nowhere?x=1', status: 404, detail: expect.stringContaining('No endpoint') });
    });
    expect((await admin.get('/journal/no-such-request')).body).toMatchObject({ status: 404, error: 'NOT_FOUND' });
  });

  it('journals a 500 with its request id, and its log line names the request and the IdP', async () => {
    await server.stores.db.query('ALTER TABLE scim_users RENAME COLUMN attributes TO attributes_moved');
    let failed: ScimResponse;
    try {
      failed = await new ScimClient(server.tenantUrl(providerId), token).get('/Users?filter=userName%20eq%20%22x%22');
    } finally {
      await server.stores.db.query('ALTER TABLE scim_users RENAME COLUMN attributes_moved TO attributes');
    }
    expect(failed.status).toBe(500);
    const requestId = failed.headers.get('x-request-id')!;
    expect(failed.body.detail).toContain(requestId);
    const logged = server.logLines.map((line) => JSON.parse(line)).find((line) => line.msg === 'unhandled error' && line.requestId === requestId);
    expect(logged).toMatchObject({ providerId });
    await eventuallyAsync(async () => {
      expect((await admin.get(`/journal/${requestId}`)).body).toMatchObject({ status: 500, providerId, detail: expect.stringContaining(requestId) });
    });
  });

  it.each([
    ['bad percent-encoding', `/scim/v2/enterprise-idps/${providerId}/Users/%E0%A4%A`, 400],
    ['a path segment over the router\'s limit', `/scim/v2/enterprise-idps/${'a'.repeat(1100)}/Users`, 414],
  ])('journals what the router refuses before any hook: %s', async (_name, path, status) => {
    const refused = await scimRequest('GET', `${server.origin}${path}`, { token });
    expect(refused.status).toBe(status);
    const requestId = refused.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    await eventuallyAsync(async () => {
      const found = await admin.get(`/journal/${requestId}`);
      expect(found.body).toMatchObject({ requestId, status, providerId: path.includes(providerId) ? providerId : 'a'.repeat(128), detail: expect.any(String) });
    });
  });

  it.each([
    ['status=6xx', /status/],
    ['status=40', /status/],
    ['from=yesterday', /from/],
    ['from=2026-12-02T10:00:00Z&to=2026-12-02T09:00:00Z', /after/],
    ['limit=0', /limit/],
    ['limit=100000', /limit/],
    ['cursor=not-a-cursor', /cursor/],
    ['email=a&email=b', /once/],
    [`email=${'x'.repeat(2000)}`, /characters/],
    ['email=', /characters/],
    ['mail=a', /Unknown query parameter/],
  ])('answers ?%s with an admin 400', async (query, message) => {
    const answer = await admin.get(`/journal?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ status: 400, error: 'INVALID_REQUEST', message: expect.stringMatching(message) });
  });

  it('refuses a CLI search without an identifier or IdP', async () => {
    const run = await cli('journal', 'search', '--from', '2026-12-02T00:00:00Z');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/needs at least one of --email/);
  });
});

describe('the request journal behind a proxy, under rate limits, searched on its own admin listener (ADMIN_PORT)', () => {
  const providerId = `proxied-${randomUUID().slice(0, 8)}`;
  const token = `proxied-token-${randomUUID()}`;
  let server: ScimTestServer;

  beforeAll(async () => {
    const defaults = loadConfig({ TRUST_PROXY: 'true', RATE_LIMIT_PER_TOKEN: '2', RATE_LIMIT_BURST_SECONDS: '1', RATE_LIMIT_REFUSAL_DELAY_MS: '0', RATE_LIMIT_PACE_BURST_MS: '0' });
    server = await ScimTestServer.start({ name: 'pglite' }, [{ providerId, token }], undefined, { ...withAdminToken({ port: 0 }), http: defaults.http, rateLimits: defaults.rateLimits });
    expect(server.adminOrigin).not.toBe(server.origin);
  });
  afterAll(() => server?.close());

  it('names the token a refused caller presented (403 insufficient scope), though it was not let in', async () => {
    const admin = new AdminClient(server.adminOrigin);
    const issued = await admin.post(`/identity-providers/${providerId}/tokens`, { scopes: 'users:read', label: 'read-only' });
    expect(issued.status).toBe(201);
    const refused = await scimRequest('POST', `${server.tenantUrl(providerId)}/Users`, { token: issued.body.token, body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'scope@contoso.example' } });
    expect(refused.status).toBe(403);
    await eventuallyAsync(async () => {
      const entry = await admin.get(`/journal/${refused.headers.get('x-request-id')}`);
      expect(entry.body).toMatchObject({ status: 403, tokenId: issued.body.tokenId, detail: expect.stringContaining('scope') });
    });
  });

  it('keeps the forwarded client address, a 429 with its token, and a 413 whose body was never read', async () => {
    const forwarded = { 'X-Forwarded-For': '203.0.113.7' };
    const url = `${server.tenantUrl(providerId)}/Users`;
    // Two requests a second for the token: the third in a row is refused.
    const tooLarge = await scimRequest('POST', url, { token, rawBody: JSON.stringify({ userName: 'x'.repeat(300_000) }), headers: { 'Content-Type': 'application/scim+json' } });
    const first = await scimRequest('GET', `${url}?count=1`, { token, headers: forwarded });
    const limited = await scimRequest('GET', `${url}?count=1`, { token, headers: forwarded });
    expect([tooLarge.status, first.status, limited.status]).toEqual([413, 200, 429]);
    const admin = new AdminClient(server.adminOrigin);
    await eventuallyAsync(async () => {
      const [a, b, c] = await Promise.all([first, limited, tooLarge].map((r) => admin.get(`/journal/${r.headers.get('x-request-id')}`)));
      expect(a.body).toMatchObject({ status: 200, clientAddress: '203.0.113.7' });
      expect(b.body).toMatchObject({ status: 429, clientAddress: '203.0.113.7', tokenId: expect.any(String), detail: expect.any(String) });
      expect(c.body).toMatchObject({ status: 413, body: null, identifiers: { userNames: [] }, detail: expect.any(String) });
      expect(a.headers.get('x-request-id')).toMatch(UUID);
    });
  });
});

describe('a request journal that cannot keep up', () => {
  const providerId = `burst-${randomUUID().slice(0, 8)}`;
  const token = `burst-token-${randomUUID()}`;
  let server: ScimTestServer;

  beforeAll(async () => {
    server = await ScimTestServer.start({ name: 'pglite' }, [{ providerId, token }], undefined, {
      ...withAdminToken(),
      journal: { retentionDays: 30, maxBodyBytes: 16_384, queueCapacity: 1 },
      rateLimits: { perTokenPerSecond: 0, perProviderPerSecond: 0, bodyBytesPerProviderPerSecond: 0, burstSeconds: 1, maxInFlightPerProvider: 0, searchesPerProviderPerSecond: 0, refusalDelayMs: 0, paceBurstMs: 0 },
    });
  });
  afterAll(() => server?.close());

  it('drops and counts entries, never failing or holding a SCIM request', async () => {
    const entra = new ScimClient(server.tenantUrl(providerId), token);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => entra.get(`/Users?filter=${encodeURIComponent(`userName eq "u${i}@x.example"`)}`)));
    const burstMs = performance.now() - started;
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    await eventually(() => server.logLines.some((line) => line.includes('request journal dropped entries')));
    const warnings = server.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request journal dropped entries');
    expect(warnings[0]).toMatchObject({ level: 40, reason: 'queue full', droppedTotal: expect.any(Number) });
    // At most one warning per few seconds, however many were dropped.
    expect(warnings.length).toBeLessThanOrEqual(1 + Math.ceil(burstMs / 5000));
    const kept = await new AdminClient(server.adminOrigin).get(`/journal?providerId=${providerId}&limit=1000`);
    const dropped = 200 - kept.body.entries.length;
    expect(dropped).toBeGreaterThan(0);
    expect(kept.body.entries.every((e: Entry) => e.status === 200)).toBe(true);
  });

  it('writes what is queued when the server closes', async () => {
    // The queue of one is empty again once the last entry before is written (200 ms after it).
    await new Promise((resolve) => setTimeout(resolve, 800));
    const answer = await new ScimClient(server.tenantUrl(providerId), token).get('/Users?count=1');
    await server.restart();
    const found = await new AdminClient(server.adminOrigin).get(`/journal/${answer.headers.get('x-request-id')}`);
    expect(found.body).toMatchObject({ status: 200, providerId });
  });

  it('drops and counts what the database refuses, SCIM answering as before', async () => {
    await server.stores.db.query('ALTER TABLE request_journal RENAME TO request_journal_moved');
    try {
      const entra = new ScimClient(server.tenantUrl(providerId), token);
      for (let i = 0; i < 5; i++) expect((await entra.get('/Users?count=1')).status).toBe(200);
      await eventually(() => server.logLines.some((line) => line.includes('"reason":"database"')), 15_000);
    } finally {
      await server.stores.db.query('ALTER TABLE request_journal_moved RENAME TO request_journal');
    }
    const warning = server.logLines.map((line) => JSON.parse(line)).find((line) => line.reason === 'database');
    expect(warning).toMatchObject({ msg: 'request journal dropped entries', error: expect.stringMatching(/42P01/) });
  });
});

/** Retries an async assertion until it passes (the journal is written in the background). */
async function eventuallyAsync(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
