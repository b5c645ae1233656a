import type { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import type { FastifyInstance } from 'fastify';
import type { ScimRequest } from '../auth/scim-auth.guard';

/**
 * Counts and times every answered request. Labels stay few: the route's pattern, never the URL,
 * and the IdP only when the URL named a registered one, so an IdP's 401s and 403s show as its own
 * (a hostile URL cannot mint label values: an unknown IdP is `none`).
 */
export function measureRequests(fastify: FastifyInstance, metrics: ServiceMetrics): void {
  fastify.addHook('onResponse', async (request: ScimRequest, reply) => {
    metrics.observeRequest({
      provider: request.registeredProviderId ?? 'none',
      route: request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched'),
      method: request.method,
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
}
