import { withAdminToken } from '@app/testing/admin-client';
import { storageTargets } from '@app/testing/postgres-target';
import { entraCreateUser } from '@app/testing/entra-payloads';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';

const PROVIDER = { providerId: 'contoso', token: 'metrics-token-0123456789abcdef' };
const USERS_ROUTE = '/scim/v2/enterprise-idps/:providerId/Users';

/** The value of the sample `name` whose labels include `labels`. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = body
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

async function scrape(origin: string): Promise<string> {
  const response = await fetch(`${origin}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

describe('Prometheus metrics at /metrics (issue 11)', () => {
  let server: ScimTestServer;
  afterEach(async () => server?.close());

  it('counts SCIM requests by IdP, route pattern and status, times them and the appends, and reads the pipeline and journal figures', async () => {
    server = await ScimTestServer.start(storageTargets()[0], [PROVIDER]);
    const entra = new ScimClient(server.tenantUrl('contoso'), PROVIDER.token);
    for (let i = 0; i < 3; i++) expect((await entra.post('/Users', entraCreateUser(`m${i}@contoso.example`, `ext-${i}`))).status).toBe(201);
    expect((await entra.post('/Users', entraCreateUser('m0@contoso.example', 'ext-other'))).status).toBe(409);
    expect((await new ScimClient(server.tenantUrl('contoso'), 'wrong-token-0123456789abcdef').get('/Users')).status).toBe(401);
    // Unknown IdPs in URLs: refused, and never a label value (a hostile client cannot grow the series).
    const unknown = Array.from({ length: 5 }, () => `nobody-${randomUUID()}`);
    for (const providerId of unknown) expect((await new ScimClient(server.tenantUrl(providerId), PROVIDER.token).get('/Users')).status).toBe(404);
    // Whether its poll came first or not, the catch-up projector has taken the writes through by now.
    await server.stores.projector.catchUp();

    const body = await scrape(server.origin);
    expect(sample(body, 'scim_http_requests_total', { provider: 'contoso', route: USERS_ROUTE, method: 'POST', status: '201' })).toBe(3);
    expect(sample(body, 'scim_http_requests_total', { provider: 'contoso', route: USERS_ROUTE, method: 'POST', status: '409' })).toBe(1);
    // A refused token on a registered IdP counts as that IdP's (an expired token, SCIM off): support can tell which tenant fails.
    expect(sample(body, 'scim_http_requests_total', { provider: 'contoso', method: 'GET', status: '401' })).toBe(1);
    expect(sample(body, 'scim_http_requests_total', { provider: 'none', method: 'GET', status: '404' })).toBe(5);
    for (const providerId of unknown) expect(body).not.toContain(providerId);
    expect(sample(body, 'scim_http_request_duration_seconds_count', { route: USERS_ROUTE, method: 'POST' })).toBe(4);
    expect(sample(body, 'scim_event_append_duration_seconds_count', { outcome: 'committed' })).toBeGreaterThanOrEqual(3);
    expect(sample(body, 'scim_projection_position')).toBeGreaterThanOrEqual(0);
    expect(sample(body, 'scim_event_log_position')).toBeGreaterThan(0);
    // The catch-up projector took the writes through (they were built inline already) and timed its batches.
    expect(sample(body, 'scim_projection_events_total')).toBeGreaterThan(0);
    expect(sample(body, 'scim_projection_batch_duration_seconds_count')).toBeGreaterThan(0);
    expect(sample(body, 'scim_projection_lag_events')).toBeGreaterThanOrEqual(0);
    expect(sample(body, 'scim_projection_quarantined_streams')).toBe(0);
    expect(sample(body, 'scim_journal_dropped_entries')).toBe(0);
    expect(sample(body, 'scim_journal_queued_entries')).toBeGreaterThanOrEqual(0);
    expect(body).toContain('process_resident_memory_bytes');
    expect(body).not.toContain(PROVIDER.token);
  });

  it('with ADMIN_PORT, is served on the admin listener only, counting the SCIM listener\'s requests', async () => {
    server = await ScimTestServer.start(storageTargets()[0], [PROVIDER], undefined, withAdminToken({ port: 0 }));
    const entra = new ScimClient(server.tenantUrl('contoso'), PROVIDER.token);
    expect((await entra.get('/Users')).status).toBe(200);
    expect(server.adminOrigin).not.toBe(server.origin);
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(404);
    const body = await scrape(server.adminOrigin);
    expect(sample(body, 'scim_http_requests_total', { provider: 'contoso', route: USERS_ROUTE, method: 'GET', status: '200' })).toBe(1);
  });
});

describe('readiness (issue 11)', () => {
  it('answers 503 while the event log does not answer, and ready again once it does', async () => {
    const server = await ScimTestServer.start(storageTargets()[0], [PROVIDER]);
    try {
      const ready = await fetch(`${server.origin}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', logPosition: expect.any(Number) });
      const events = server.stores.events;
      const headPosition = events.headPosition.bind(events);
      events.headPosition = () => Promise.reject(new Error('connection refused'));
      const down = await fetch(`${server.origin}/health/ready`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ detail: 'The event log does not answer' });
      events.headPosition = headPosition;
      expect((await fetch(`${server.origin}/health/ready`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
