import { ServiceMetrics } from './service-metrics';

/** The value of the sample `name` whose labels include `labels` (prom-client orders labels its own way). */
const sample = (body: string, name: string, labels: Record<string, string> = {}) =>
  body
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    ?.split(' ')
    .at(-1);

describe('ServiceMetrics', () => {
  it('counts requests by IdP, route pattern, method and status, and times them', async () => {
    const metrics = new ServiceMetrics('scim-api');
    const route = '/scim/v2/enterprise-idps/:providerId/Users';
    metrics.observeRequest({ provider: 'contoso', route, method: 'POST', status: 201, seconds: 0.004 });
    metrics.observeRequest({ provider: 'contoso', route, method: 'POST', status: 201, seconds: 0.3 });
    metrics.observeRequest({ provider: 'none', route: 'unmatched', method: 'GET', status: 404, seconds: 0.001 });
    const { contentType, body } = await metrics.exposition();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(body, 'scim_http_requests_total', { provider: 'contoso', route, method: 'POST', status: '201', app: 'scim-api' })).toBe('2');
    expect(sample(body, 'scim_http_requests_total', { provider: 'none', route: 'unmatched', method: 'GET', status: '404' })).toBe('1');
    expect(sample(body, 'scim_http_request_duration_seconds_bucket', { le: '0.005', route, method: 'POST' })).toBe('1');
    expect(sample(body, 'scim_http_request_duration_seconds_count', { route, method: 'POST' })).toBe('2');
    // Process metrics come with it.
    expect(body).toContain('process_resident_memory_bytes');
  });

  it('times appends by outcome', async () => {
    const metrics = new ServiceMetrics('scim-api');
    metrics.observeAppend('committed', 0.003);
    metrics.observeAppend('conflict', 0.002);
    const { body } = await metrics.exposition();
    expect(sample(body, 'scim_event_append_duration_seconds_count', { outcome: 'committed' })).toBe('1');
    expect(sample(body, 'scim_event_append_duration_seconds_count', { outcome: 'conflict' })).toBe('1');
  });

  it('reads a gauge at scrape time, and shows NaN rather than failing the scrape when the read fails', async () => {
    const metrics = new ServiceMetrics('scim-worker');
    let lag = 3;
    metrics.gauge('scim_test_lag_events', 'a lag', () => lag);
    metrics.gauge('scim_test_broken', 'a read that fails', async () => {
      throw new Error('database down');
    });
    expect(sample((await metrics.exposition()).body, 'scim_test_lag_events', { app: 'scim-worker' })).toBe('3');
    lag = 0;
    const { body } = await metrics.exposition();
    expect(sample(body, 'scim_test_lag_events', { app: 'scim-worker' })).toBe('0');
    // prom-client writes "Nan"; Prometheus parses NaN in any case.
    expect(sample(body, 'scim_test_broken', { app: 'scim-worker' })).toMatch(/^nan$/i);
  });

  it('keeps each instance apart (several apps in one process)', async () => {
    const first = new ServiceMetrics('scim-api');
    const second = new ServiceMetrics('scim-api');
    first.observeAppend('committed', 0.001);
    expect(sample((await second.exposition()).body, 'scim_event_append_duration_seconds_count', { outcome: 'committed' })).toBeUndefined();
  });
});
