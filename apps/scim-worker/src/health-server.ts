import type { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import type { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import type { Stores } from '@app/read-model/open-stores';
import { describeProjectionError } from '@app/read-model/projections/projection-error';
import { createServer, Server } from 'node:http';

/** GET /health/live and /health/ready for the worker (projection position and failures, Kafka lag), and /metrics for Prometheus. */
export function startHealthServer(stores: Stores, relay: IntegrationEventRelay | undefined, metrics: ServiceMetrics, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return send(405, { status: 'method not allowed' });
    if (request.url === '/health/live') return send(200, { status: 'ok' });
    if (request.url === '/metrics') {
      void metrics.exposition().then(({ contentType, body }) => response.writeHead(200, { 'Content-Type': contentType }).end(body));
      return;
    }
    if (request.url !== '/health/ready') return send(404, { status: 'not found' });
    // Quarantined projection failures answer 200 "degraded": the rest of the log keeps projecting.
    stores.projector.readiness().then(
      (readiness) => send(200, { ...readiness, ...(relay ? { kafka: relay.current } : {}) }),
      (error: unknown) => {
        // Class and code only: a driver error's message may quote the statement's values.
        const { errorClass, errorCode } = describeProjectionError(error);
        send(503, { status: 'unavailable', errorClass, errorCode });
      },
    );
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
