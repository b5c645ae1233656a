import { StreamIds } from '@app/identity/shared/stream-ids';
import { createLogger } from '@app/platform/logging/logger';
import { openStores, Stores } from '@app/read-model/open-stores';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { observePipeline } from '@app/platform/metrics/pipeline-gauges';
import { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import { startHealthServer } from './health-server';

describe('scim-worker health server (PGlite)', () => {
  let stores: Stores;
  let server: Server;
  let failing: Error | undefined;
  let logFailing: Error | undefined;
  let metrics: ServiceMetrics;

  beforeAll(async () => {
    stores = await openStores({ dataDir: ':memory:' }, createLogger('silent'));
    // The projector as the server sees it, made to fail on demand as it would while PostgreSQL is away.
    const projector = Object.assign(Object.create(stores.projector), {
      readiness: () => (failing ? Promise.reject(failing) : stores.projector.readiness()),
    });
    metrics = new ServiceMetrics('scim-worker');
    observePipeline(metrics, stores.events, stores.projector, undefined);
    const events = Object.assign(Object.create(stores.events), {
      headPosition: () => (logFailing ? Promise.reject(logFailing) : stores.events.headPosition()),
    });
    server = await startHealthServer({ ...stores, projector, events }, undefined, metrics, '127.0.0.1', 0);
  });
  afterAll(async () => {
    server.close();
    await stores.close();
  });

  const get = async (path: string, method = 'GET') => {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { method });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers liveness, and refuses other paths and methods', async () => {
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/health/live?probe=kubelet')).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await get('/health/other')).status).toBe(404);
    expect((await get('/health/ready', 'POST')).status).toBe(405);
  });

  it('serves Prometheus metrics: the projection position and quarantine, and process figures', async () => {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics?scrape=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toMatch(/^scim_projection_position\{app="scim-worker"\} \d+$/m);
    expect(body).toMatch(/^scim_projection_quarantined_streams\{app="scim-worker"\} 0$/m);
    expect(body).toContain('process_resident_memory_bytes');
  });

  it('is ready with no projection failures', async () => {
    expect(await get('/health/ready')).toEqual({
      status: 200,
      body: { status: 'ok', projectedPosition: 0, logPosition: 0, projectionFailures: { quarantinedStreams: 0, quarantinedEvents: 0, failures: [] } },
    });
  });

  it('stays ready but degraded, listing the failure, when an event is quarantined', async () => {
    const userId = randomUUID();
    const data = { providerId: 'p', userId, attributes: { userName: randomBytes(7_500).toString('base64') } };
    const { position } = await stores.events.appendToStream(
      StreamIds.user('p', userId),
      [{ id: randomUUID(), type: 'UserProvisioned', data, metadata: { occurredAt: new Date().toISOString() } }],
      'noStream',
    );

    const { status, body } = await get('/health/ready');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'degraded',
      projectedPosition: position,
      projectionFailures: { quarantinedStreams: 1, quarantinedEvents: 1, firstPosition: position, failures: [{ position, errorCode: '54000' }] },
    });
  });

  it('is not ready while projecting fails, and says why by class and code only', async () => {
    failing = Object.assign(new Error('connection to "alice@example.com" lost'), { code: '08006', severity: 'FATAL' });
    try {
      expect(await get('/health/ready')).toEqual({ status: 503, body: { status: 'unavailable', errorClass: 'connection_exception', errorCode: '08006' } });
    } finally {
      failing = undefined;
    }
  });

  it('is not ready while the event log does not answer (on EventStoreDB another server than the read model\'s)', async () => {
    logFailing = Object.assign(new Error('event log unreachable'), { code: 'ECONNREFUSED' });
    try {
      expect(await get('/health/ready')).toMatchObject({ status: 503, body: { status: 'unavailable' } });
    } finally {
      logFailing = undefined;
    }
  });

  it('answers 503, not a hanging request, when the metrics cannot be read', async () => {
    const broken = { exposition: () => Promise.reject(new Error('registry failed')) } as unknown as ServiceMetrics;
    const other = await startHealthServer(stores, undefined, broken, '127.0.0.1', 0);
    try {
      const response = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/metrics`, { signal: AbortSignal.timeout(5_000) });
      expect(response.status).toBe(503);
    } finally {
      other.close();
    }
  });
});
