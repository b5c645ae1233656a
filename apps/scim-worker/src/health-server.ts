import type { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import type { Stores } from '@app/read-model/open-stores';
import { createServer, Server } from 'node:http';

/** GET /health/live and /health/ready for the worker: projection position and Kafka lag. */
export function startHealthServer(stores: Stores, relay: IntegrationEventRelay | undefined, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return send(405, { status: 'method not allowed' });
    if (request.url === '/health/live') return send(200, { status: 'ok' });
    if (request.url !== '/health/ready') return send(404, { status: 'not found' });
    stores.projector.catchUp().then(
      (projectedPosition) => send(200, { status: 'ok', projectedPosition, ...(relay ? { kafka: relay.current } : {}) }),
      (error: Error) => send(503, { status: 'unavailable', error: error.message }),
    );
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
