import type { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import type { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import type { Stores } from '@app/read-model/open-stores';
import { describeProjectionError } from '@app/read-model/projections/projection-error';
import { createServer, Server } from 'node:http';

/** GET /health/live and /health/ready for the worker (the database and the event log answer; projection position and failures, Kafka lag), and /metrics for Prometheus. */
export function startHealthServer(stores: Stores, relay: IntegrationEventRelay | undefined, metrics: ServiceMetrics, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    // Class and code only: a driver error's message may quote the statement's values.
    const unavailable = (error: unknown) => {
      const { errorClass, errorCode } = describeProjectionError(error);
      send(503, { status: 'unavailable', errorClass, errorCode });
    };
    if (request.method !== 'GET') return send(405, { status: 'method not allowed' });
    // A probe or scraper may add a query string.
    const path = new URL(request.url ?? '/', 'http://worker').pathname;
    if (path === '/health/live') return send(200, { status: 'ok' });
    if (path === '/metrics') {
      metrics.exposition().then(({ contentType, body }) => response.writeHead(200, { 'Content-Type': contentType }).end(body), unavailable);
      return;
    }
    if (path !== '/health/ready') return send(404, { status: 'not found' });
    // Quarantined projection failures answer 200 "degraded": the rest of the log keeps projecting. The event
    // log is asked too: on EventStoreDB it is another server than the read model's.
    Promise.all([stores.projector.readiness(), stores.events.headPosition()]).then(
      ([readiness, logPosition]) => send(200, { ...readiness, logPosition, ...(relay ? { kafka: relay.current } : {}) }),
      unavailable,
    );
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
