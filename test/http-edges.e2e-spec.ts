import { entraCreateUser } from '@app/testing/entra-payloads';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient, scimRequest } from '@app/testing/scim-client';
import { NO_RATE_LIMITS, ScimTestServer } from '@app/testing/scim-test-server';
import { loadConfig } from '@app/platform/config/app-config';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ensureProvider } from '../apps/scim-api/src/identity-providers/provider-bootstrap';
import { RawConnection, rawExchange, RawResponse, writeAllThenRead } from './raw-http';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ALPHA = { providerId: 'alpha', token: 'alpha-token-0123456789abcdef' };
const BETA = { providerId: 'beta', token: 'beta-token-0123456789abcdefgh' };
const PGLITE = { name: 'pglite' } as const;
const defaults = loadConfig({});

function expectScimError(response: RawResponse | { status: number; headers: Headers; body: unknown } | undefined, status: number) {
  expect(response).toBeDefined();
  const contentType = response!.headers instanceof Headers ? response!.headers.get('content-type') : response!.headers['content-type'];
  expect(response!.status).toBe(status);
  expect(contentType).toMatch(/^application\/scim\+json/);
  expect(response!.body).toMatchObject({ schemas: [ERROR], status: String(status), detail: expect.any(String) });
}

const portOf = (server: ScimTestServer) => Number(new URL(server.origin).port);
const newUser = () => entraCreateUser(`u.${randomUUID()}@example.com`, randomUUID());

/** A gauge's value from /metrics. */
async function metricOf(server: ScimTestServer, name: string): Promise<number> {
  const scraped = await (await fetch(`${server.origin}/metrics`)).text();
  const line = scraped.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return Number(line?.split(' ').at(-1));
}

/** Request head of a POST that announces a body of `length` bytes. */
function postHead(path: string, length: number, token?: string): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/scim+json\r\nContent-Length: ${length}\r\n` +
    (token ? `Authorization: Bearer ${token}\r\n` : '') +
    '\r\n'
  );
}

describe('HTTP edges of the SCIM API', () => {
  let server: ScimTestServer;
  let port: number;
  let alpha: ScimClient;

  beforeAll(async () => {
    server = await ScimTestServer.start(PGLITE, [ALPHA, BETA]);
    port = portOf(server);
    alpha = new ScimClient(server.tenantUrl(ALPHA.providerId), ALPHA.token);
  });
  afterAll(async () => server?.close());

  describe('authentication before the body is read', () => {
    const MEGABYTE = 1_048_000;

    it.each([
      ['an unknown tenant', '/scim/v2/enterprise-idps/nobody/Users', ALPHA.token, 404],
      ['a missing token', '/scim/v2/enterprise-idps/alpha/Users', undefined, 401],
      ['another tenant\'s token', '/scim/v2/enterprise-idps/alpha/Users', BETA.token, 401],
      ['an unknown route', '/scim/v2/enterprise-idps/alpha/Nothing', ALPHA.token, 404],
    ])('answers %s with a 1 MB body on its way from the headers alone, and closes the connection', async (_case, path, token, status) => {
      const connection = await RawConnection.open(port);
      try {
        connection.write(postHead(path, MEGABYTE, token));
        connection.write('{"userName":"');
        // Nothing more of the body is sent: the answer and the close cannot wait for it.
        expectScimError(await connection.response(5000), status);
        expect(await connection.closedWithin(5000)).toBe(true);
      } finally {
        connection.destroy();
      }
    });

    // Closing at once would reset the connection under the client's next write, and the client would lose the answer.
    it.each([
      ['an unknown tenant', postHead('/scim/v2/enterprise-idps/nobody/Users', 262_144, ALPHA.token), 404],
      ['a bad token', postHead('/scim/v2/enterprise-idps/alpha/Users', 262_144, 'wrong-token-0123456789abcdef'), 401],
      ['a body declared over SCIM_BODY_LIMIT_BYTES', postHead('/scim/v2/enterprise-idps/alpha/Users', 400_000, ALPHA.token), 413],
      ['a body of a type that is not JSON', postHead('/scim/v2/enterprise-idps/alpha/Users', 262_144, ALPHA.token).replace('application/scim+json', 'text/plain'), 415],
      ['a request Node cannot parse', 'NOT HTTP AT ALL\r\n\r\n', 400],
    ])('answers %s so that a client which reads only after writing its whole body still gets the answer', async (_case, head, status) => {
      expectScimError(await writeAllThenRead(port, head, Buffer.alloc(262_144, 'x')), status);
    });

    it('answers an admin request with a bad token so that a client which reads only after writing its whole body still gets the 401', async () => {
      const head = `POST /admin/v1/identity-providers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 262144\r\nAuthorization: Bearer not-an-admin-token-0123456789\r\n\r\n`;
      expect((await writeAllThenRead(port, head, Buffer.alloc(262_144, 'x')))?.status).toBe(401);
    });

    it('still reads the body of an authenticated request', async () => {
      const user = newUser();
      const body = JSON.stringify(user);
      const response = await rawExchange(port, postHead('/scim/v2/enterprise-idps/alpha/Users', Buffer.byteLength(body), ALPHA.token) + body);
      expect(response?.status).toBe(201);
      expect(response?.body.userName).toBe(user.userName);
    });
  });

  describe('every HTTP-layer error is SCIM error JSON', () => {
    const auth = `Authorization: Bearer ${ALPHA.token}\r\n`;
    const get = (target: string, extraHeaders = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}${extraHeaders}Connection: close\r\n\r\n`;

    it.each([
      ['an unknown route', get('/nowhere'), 404],
      ['bad percent-encoding in the path', get('/scim/v2/enterprise-idps/alpha/Users/%E0%A4%A'), 400],
      ['bad percent-encoding in the query', get('/scim/v2/enterprise-idps/alpha/Users?filter=%E0%A4%A'), 400],
      ['a path segment over the router\'s limit (414)', get(`/scim/v2/enterprise-idps/${'a'.repeat(1100)}/Users`), 414],
      ['headers too large (431)', get('/scim/v2/enterprise-idps/alpha/Users', `X-Padding: ${'x'.repeat(20_000)}\r\n`), 431],
      ['a request line too long (431)', get(`/scim/v2/enterprise-idps/alpha/Users?filter=${'x'.repeat(20_000)}`), 431],
      ['a request Node cannot parse', 'NOT HTTP AT ALL\r\n\r\n', 400],
      ['an invalid header', `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n`, 400],
      ['a body that is not JSON', postHead('/scim/v2/enterprise-idps/alpha/Users', 3, ALPHA.token) + '{x}', 400],
      ['a body larger than SCIM_BODY_LIMIT_BYTES (413)', postHead('/scim/v2/enterprise-idps/alpha/Users', 2_000_000, ALPHA.token) + '{}', 413],
      [
        'a body that is not JSON at all (415)',
        `POST /scim/v2/enterprise-idps/alpha/Users HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc`,
        415,
      ],
      ['an Expect other than 100-continue (417)', get('/scim/v2/enterprise-idps/alpha/Users', 'Expect: x\r\n'), 417],
      ['a method the endpoint does not take (405)', `PUT /scim/v2/enterprise-idps/alpha/Users HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Length: 0\r\n\r\n`, 405],
    ])('for %s', async (_case, request, status) => {
      expectScimError(await rawExchange(port, request), status);
    });
  });

  describe('provider id length', () => {
    it('reaches a provider id of 128 characters, the longest registration accepts', async () => {
      const longest = { providerId: `L${'o'.repeat(126)}g`, token: 'longest-token-0123456789abcdef' };
      expect(longest.providerId).toHaveLength(128);
      await ensureProvider(server.stores, { ...longest, customAttributes: [] });
      const client = new ScimClient(server.tenantUrl(longest.providerId), longest.token);
      const created = await client.post('/Users', newUser());
      expect(created.status).toBe(201);
      expect(created.body.meta.location).toContain(`/scim/v2/enterprise-idps/${longest.providerId}/Users/`);
      expect((await client.get(`/Users/${created.body.id}`)).status).toBe(200);
    });

    it('answers 404 for a 129-character id, which no IdP can have', async () => {
      expectScimError(await scimRequest('GET', `${server.tenantUrl('x'.repeat(129))}/Users`, { token: ALPHA.token }), 404);
    });
  });

  describe('X-Forwarded-*', () => {
    const forwarded = { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' };

    async function createdWithForwardedHeaders(target: ScimTestServer) {
      const client = new ScimClient(target.tenantUrl(ALPHA.providerId), ALPHA.token);
      const created = await client.post('/Users', newUser(), { headers: forwarded });
      expect(created.status).toBe(201);
      const [event] = await target.stores.events.readStream(`user-${ALPHA.providerId}-${created.body.id}`);
      return { location: created.headers.get('location'), metaLocation: created.body.meta.location, clientAddress: event.metadata.clientAddress };
    }

    it('ignores them by default: Location, meta.location and the recorded client address are the connection\'s', async () => {
      const seen = await createdWithForwardedHeaders(server);
      expect(seen.location).toMatch(new RegExp(`^${server.origin}/scim/v2/enterprise-idps/alpha/Users/`));
      expect(seen.metaLocation).toBe(seen.location);
      expect(seen.clientAddress).toMatch(/127\.0\.0\.1$/);
    });

    it.each([
      ['true', true],
      ['the loopback proxy address', '127.0.0.1'],
    ])('honours them with TRUST_PROXY=%s', async (_case, trustProxy) => {
      const trusting = await ScimTestServer.start(PGLITE, [ALPHA], undefined, { http: { ...defaults.http, trustProxy } });
      try {
        const seen = await createdWithForwardedHeaders(trusting);
        expect(seen.location).toMatch(/^https:\/\/evil\.example\/scim\/v2\/enterprise-idps\/alpha\/Users\//);
        expect(seen.metaLocation).toBe(seen.location);
        expect(seen.clientAddress).toBe('203.0.113.9');
      } finally {
        await trusting.close();
      }
    });
  });

  it('rations an IdP\'s request body bytes: a body over what is left answers 429 unread, other IdPs are unaffected', async () => {
    const rationed = await ScimTestServer.start(PGLITE, [ALPHA, BETA], undefined, {
      rateLimits: { ...NO_RATE_LIMITS, bodyBytesPerProviderPerSecond: 8192, refusalDelayMs: 1000 },
    });
    try {
      const body = entraCreateUser(`bytes.${randomUUID()}@example.com`, randomUUID());
      const padded = { ...body, nickName: 'n'.repeat(2000), title: 't'.repeat(2000), profileUrl: `https://example.com/${'p'.repeat(2000)}` };
      expect((await scimRequest('POST', `${rationed.tenantUrl('alpha')}/Users`, { token: ALPHA.token, body: padded })).status).toBe(201);
      const refused = await scimRequest('POST', `${rationed.tenantUrl('alpha')}/Users`, { token: ALPHA.token, body: { ...padded, userName: `b.${randomUUID()}` } });
      expectScimError(refused, 429);
      expect(refused.headers.get('retry-after')).toBe('1');
      const beta = await scimRequest('POST', `${rationed.tenantUrl('beta')}/Users`, { token: BETA.token, body: { ...padded, userName: `c.${randomUUID()}` } });
      expect(beta.status).toBe(201);
    } finally {
      await rationed.close();
    }
  });

  it('paces a token\'s requests that come together beyond RATE_LIMIT_PACE_BURST_MS of its rate, answering them all; other IdPs do not wait', async () => {
    // 20/s with 100 ms of it at once: 2 start at once, the other 6 50 ms apart (the limit's burst, 2 s, refuses none).
    const paced = await ScimTestServer.start(PGLITE, [ALPHA, BETA], undefined, {
      rateLimits: { ...NO_RATE_LIMITS, perTokenPerSecond: 20, burstSeconds: 2, paceBurstMs: 100 },
    });
    try {
      const started = Date.now();
      const timed = async (tenant: typeof ALPHA) => {
        const response = await scimRequest('GET', `${paced.tenantUrl(tenant.providerId)}/ServiceProviderConfig`, { token: tenant.token });
        return { status: response.status, ms: Date.now() - started };
      };
      const [alpha, beta] = await Promise.all([Promise.all(Array.from({ length: 8 }, () => timed(ALPHA))), timed(BETA)]);
      expect(alpha.map((r) => r.status)).toEqual(Array(8).fill(200));
      const ms = alpha.map((r) => r.ms).sort((a, b) => a - b);
      expect(ms[7] - ms[0]).toBeGreaterThanOrEqual(250);
      expect(beta.status).toBe(200);
      expect(beta.ms).toBeLessThan(ms[7]);
      // Operators see it: 6 requests waited, 50 + 100 + … + 300 ms = 1.05 s in all (less what arriving took).
      expect(await metricOf(paced, 'scim_paced_requests')).toBeGreaterThanOrEqual(5);
      expect(await metricOf(paced, 'scim_paced_seconds')).toBeGreaterThan(0.5);
    } finally {
      await paced.close();
    }
  });

  describe('rate limits', () => {
    let limited: ScimTestServer;
    beforeAll(async () => {
      limited = await ScimTestServer.start(PGLITE, [ALPHA, BETA, { providerId: 'alpha', token: 'alpha-second-token-0123456789' }], undefined, {
        rateLimits: { ...NO_RATE_LIMITS, perTokenPerSecond: 5, perProviderPerSecond: 8, maxInFlightPerProvider: 1, refusalDelayMs: 1000 },
      });
    });
    afterAll(async () => limited?.close());

    const burst = (token: string, count: number) =>
      Promise.all(Array.from({ length: count }, () => scimRequest('GET', `${limited.tenantUrl('alpha')}/ServiceProviderConfig`, { token })));

    it('answers 429 with Retry-After as SCIM error JSON, a second late, when a token goes over its rate, and leaves other tenants alone', async () => {
      const sequential = [];
      for (let i = 0; i < 8; i += 1) {
        const started = Date.now();
        sequential.push({ ...(await scimRequest('GET', `${limited.tenantUrl('alpha')}/ServiceProviderConfig`, { token: ALPHA.token })), ms: Date.now() - started });
      }
      const refused = sequential.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      // Held back so that a client that retries at once cannot turn refusals into load.
      expect(Math.min(...refused.map((r) => r.ms))).toBeGreaterThanOrEqual(900);
      expect(sequential.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(5);
      expectScimError(refused[0], 429);
      expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused[0].body.detail).toMatch(/token/);
      const beta = await scimRequest('GET', `${limited.tenantUrl('beta')}/ServiceProviderConfig`, { token: BETA.token });
      expect(beta.status).toBe(200);
      await delay(1500);
    });

    it('answers a bad token 401 and an unknown IdP 404 a second late too, closing the connection: a flood of them costs a second per connection', async () => {
      const timed = async (url: string, token: string) => {
        const started = Date.now();
        return { ...(await scimRequest('GET', url, { token })), ms: Date.now() - started };
      };
      const [badToken, unknownIdp] = await Promise.all([
        timed(`${limited.tenantUrl('beta')}/Users`, 'not-a-token-of-beta-0123456789'),
        timed(`${limited.tenantUrl('no-such-idp')}/Users`, BETA.token),
      ]);
      expectScimError(badToken, 401);
      expectScimError(unknownIdp, 404);
      for (const refused of [badToken, unknownIdp]) {
        expect(refused.ms).toBeGreaterThanOrEqual(900);
        expect(refused.headers.get('connection')).toBe('close');
      }
      // A refusal the client did not cause for free is not held back.
      const started = Date.now();
      expect((await scimRequest('GET', `${limited.tenantUrl('beta')}/Users?filter=${encodeURIComponent('userName eq')}`, { token: BETA.token })).status).toBe(400);
      expect(Date.now() - started).toBeLessThan(900);
    });

    it('limits an IdP across its tokens', async () => {
      // 12 at once: the tokens allow 5 each, the IdP 8 in all, so at least 2 pass their token and not the IdP.
      const responses = (await Promise.all([burst(ALPHA.token, 6), burst('alpha-second-token-0123456789', 6)])).flat();
      expect(responses.filter((r) => r.status === 200).length).toBeLessThanOrEqual(8);
      const refusedByIdp = responses.filter((r) => r.status === 429 && /identity provider sent more requests/.test(r.body.detail));
      expect(refusedByIdp.length).toBeGreaterThanOrEqual(2);
      await delay(1500);
    });

    it('answers 429 while the IdP has its maximum in flight, and frees the slot when that connection is dropped', async () => {
      const holder = await RawConnection.open(portOf(limited));
      try {
        // Authenticated and admitted, then held in flight while its body never arrives.
        holder.write(postHead('/scim/v2/enterprise-idps/alpha/Users', 1000, ALPHA.token) + '{');
        await delay(300);
        const refused = await scimRequest('GET', `${limited.tenantUrl('alpha')}/ServiceProviderConfig`, { token: 'alpha-second-token-0123456789' });
        expectScimError(refused, 429);
        expect(refused.body.detail).toMatch(/in progress/);
        expect(refused.headers.get('retry-after')).toBe('1');
        expect((await scimRequest('GET', `${limited.tenantUrl('beta')}/ServiceProviderConfig`, { token: BETA.token })).status).toBe(200);
      } finally {
        holder.destroy();
      }
      await delay(1200);
      expect((await scimRequest('GET', `${limited.tenantUrl('alpha')}/ServiceProviderConfig`, { token: 'alpha-second-token-0123456789' })).status).toBe(200);
    });

    it('frees the slot of requests that failed', async () => {
      await delay(1200);
      for (let i = 0; i < 3; i += 1) {
        expectScimError(await scimRequest('GET', `${limited.tenantUrl('alpha')}/Users/not-a-uuid`, { token: ALPHA.token }), 404);
        await delay(250);
      }
      expect((await burst(ALPHA.token, 1))[0].status).toBe(200);
    });
  });

  describe('timeouts and the connection cap', () => {
    let strict: ScimTestServer;
    beforeAll(async () => {
      strict = await ScimTestServer.start(PGLITE, [ALPHA], undefined, {
        http: { ...defaults.http, requestTimeoutMs: 2000, headersTimeoutMs: 1000, keepAliveTimeoutMs: 1000, maxConnections: 4 },
        rateLimits: { ...defaults.rateLimits, refusalDelayMs: 1000 },
      });
    });
    afterAll(async () => strict?.close());

    it('answers 408 and closes a connection whose authenticated body is too slow', async () => {
      const slow = await RawConnection.open(portOf(strict));
      const started = Date.now();
      try {
        slow.write(postHead('/scim/v2/enterprise-idps/alpha/Users', 10_000, ALPHA.token));
        const dribbled = slow.dribble('x', 100, 100);
        expect(await slow.closedWithin(8000)).toBe(true);
        expect(await dribbled).toBeLessThan(100);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
        expectScimError(await slow.response(0), 408);
      } finally {
        slow.destroy();
      }
    });

    it('answers 408 and closes a connection whose authenticated body stops arriving', async () => {
      const stalled = await RawConnection.open(portOf(strict));
      const started = Date.now();
      try {
        stalled.write(postHead('/scim/v2/enterprise-idps/alpha/Users', 10_000, ALPHA.token) + '{"userName":"');
        expect(await stalled.closedWithin(8000)).toBe(true);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
        expectScimError(await stalled.response(0), 408);
      } finally {
        stalled.destroy();
      }
    });

    it('answers 408 and closes a connection whose headers never end', async () => {
      const slow = await RawConnection.open(portOf(strict));
      try {
        slow.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        const dribbled = slow.dribble('X-Slow: y\r\n', 200, 50);
        expect(await slow.closedWithin(6000)).toBe(true);
        expect(await dribbled).toBeLessThan(50);
        expectScimError(await slow.response(0), 408);
      } finally {
        slow.destroy();
      }
    });

    it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
      const idle = await RawConnection.open(portOf(strict));
      try {
        idle.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        expect((await idle.response())?.status).toBe(200);
        expect(await idle.closedWithin(5000)).toBe(true);
      } finally {
        idle.destroy();
      }
    });

    const UNFINISHED_HEAD = 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n';
    /** A connection that has sent `head` (and stays open until the test or the server closes it). */
    async function openWith(head: string): Promise<RawConnection> {
      const connection = await RawConnection.open(portOf(strict));
      connection.write(head);
      await delay(20);
      return connection;
    }

    it('at HTTP_MAX_CONNECTIONS, closes the silent connection waiting longest to let a new one in, never a served keep-alive one', async () => {
      const HEALTH = 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
      const CLOSING_HEALTH = 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';
      // The oldest connection: a client that was served and keeps its connection for the next request.
      const served = await openWith(HEALTH);
      const silent: RawConnection[] = [];
      try {
        expect((await served.response())?.status).toBe(200);
        // Headers never finished: what a client holding connections for nothing sends.
        for (let i = 0; i < 3; i += 1) silent.push(await openWith(UNFINISHED_HEAD));
        expect((await rawExchange(portOf(strict), CLOSING_HEALTH))?.status).toBe(200);
        expect(await silent[0].closedWithin(1000)).toBe(true);
        expect(await silent[1].closedWithin(100)).toBe(false);
        // The longest-waiting goes first, never the newest.
        const newest = await openWith(UNFINISHED_HEAD);
        silent.push(newest);
        expect((await rawExchange(portOf(strict), CLOSING_HEALTH))?.status).toBe(200);
        expect(await silent[1].closedWithin(1000)).toBe(true);
        expect(await newest.closedWithin(100)).toBe(false);
        expect(await served.closedWithin(10)).toBe(false);
        expect(await metricOf(strict, 'scim_http_connections_evicted')).toBeGreaterThanOrEqual(2);
      } finally {
        for (const connection of [served, ...silent]) connection.destroy();
      }
    });

    it('at HTTP_MAX_CONNECTIONS, closes a connection whose request only waits out its refusal delay before any other', async () => {
      const idle = await openWith(UNFINISHED_HEAD);
      const refused: RawConnection[] = [];
      try {
        for (let i = 0; i < 3; i += 1) refused.push(await openWith('GET /scim/v2/enterprise-idps/alpha/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer not-a-token-0123456789abcdef\r\n\r\n'));
        const started = Date.now();
        expect((await rawExchange(portOf(strict), 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))?.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(900);
        // The first bad token's connection is cut during its delay, the longer idle one kept.
        expect(await refused[0].closedWithin(100)).toBe(true);
        expect(refused[0].bytesReceived).toBe(0);
        expect(await idle.closedWithin(10)).toBe(false);
        expect((await refused[1].response(3000))?.status).toBe(401);
      } finally {
        for (const connection of [idle, ...refused]) connection.destroy();
      }
    });

    it('refuses a connection only while every open one has a request in progress, and accepts again once one ends', async () => {
      const busy: RawConnection[] = [];
      try {
        // An authenticated request whose body is still to come: in progress until the request timeout.
        for (let i = 0; i < 4; i += 1) busy.push(await openWith(postHead('/scim/v2/enterprise-idps/alpha/Users', 10_000, ALPHA.token)));
        await delay(100);
        const refused = await RawConnection.open(portOf(strict));
        refused.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
        expect(await refused.closedWithin(1000)).toBe(true);
        expect(refused.bytesReceived).toBe(0);
        busy.pop()!.destroy();
        await delay(100);
        expect((await rawExchange(portOf(strict), 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))?.status).toBe(200);
        expect(await metricOf(strict, 'scim_http_connections_refused')).toBeGreaterThanOrEqual(1);
        for (const connection of busy) expect(await connection.closedWithin(10)).toBe(false);
      } finally {
        for (const connection of busy) connection.destroy();
      }
    });
  });
});

describe.each(storageTargets().map((t) => [t.name, t] as const))('logs after a database error on %s', (_name, target) => {
  let server: ScimTestServer;
  beforeAll(async () => {
    server = await ScimTestServer.start(target, [ALPHA]);
  });
  afterAll(async () => server?.close());

  it('carry the error class and SQLSTATE, and none of the user values the statement had', async () => {
    const alpha = new ScimClient(server.tenantUrl(ALPHA.providerId), ALPHA.token);
    const marker = `secret.${randomUUID()}@example.com`;
    expect((await alpha.post('/Users', { ...newUser(), userName: marker })).status).toBe(201);
    await server.stores.db.query('ALTER TABLE scim_users RENAME COLUMN attributes TO attributes_moved');
    try {
      const failed = await alpha.get(`/Users?filter=${encodeURIComponent(`userName eq "${marker}"`)}`);
      expectScimError(failed, 500);
    } finally {
      await server.stores.db.query('ALTER TABLE scim_users RENAME COLUMN attributes_moved TO attributes');
    }
    const lines = server.logLines.map((line) => JSON.parse(line));
    const unhandled = lines.find((line) => line.msg === 'unhandled error');
    expect(unhandled?.err).toMatchObject({ code: '42703', stack: expect.stringMatching(/^\s+at /) });
    const logged = server.logLines.join('\n');
    expect(logged).not.toContain(marker);
    expect(logged).not.toContain(ALPHA.token);
    expect(logged).not.toMatch(/"(params|parameters|query|detail|where)":/);
  });
});
