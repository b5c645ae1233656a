import type { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import type { FastifyInstance } from 'fastify';
import type { ScimRequest } from '../auth/scim-auth.guard';

/**
 * Counts and times every answered request. Labels stay few: the route's pattern, never the URL,
 * and the IdP only once its token was accepted (a hostile URL cannot mint label values).
 */
export function measureRequests(fastify: FastifyInstance, metrics: ServiceMetrics): void {
  fastify.addHook('onResponse', async (request: ScimRequest, reply) => {
    metrics.observeRequest({
      provider: request.scimCaller?.providerId ?? 'none',
      route: request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched'),
      method: request.method,
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
}
