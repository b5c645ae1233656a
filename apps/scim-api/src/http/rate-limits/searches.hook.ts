import type { FilterLimits } from '@app/scim/filter/filter-parser';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ScimRequest } from '../../auth/scim-auth.guard';
import { closeAfterResponse } from '../lingering-close';
import { sendScimError } from '../scim-exception.filter';
import { mayScanUsers } from './list-scans';
import type { ScimRateLimits } from './scim-rate-limits';
import { markSearch, searchWorkMs } from './search-requests';

/**
 * Rations an IdP's searches ({@link ScimRateLimits.admitSearch}) from the request line alone,
 * before the body is read: the collection GET counts when it may scan the IdP's users
 * ({@link mayScanUsers}), every .search counts (Entra never sends one). Registered after the authentication hook, which sets
 * the caller. A refusal closes the connection, as the authentication hook's do. An admitted search
 * is marked ({@link markSearch}: it then yields to other IdPs' work in the fair turns) and, when
 * answered 2xx, charged for its work once its response is serialized ({@link ScimRateLimits.chargeSearchWork}).
 */
export function rationSearches(fastify: FastifyInstance, rateLimits: ScimRateLimits, limits: FilterLimits, logger: Logger): void {
  fastify.addHook('onRequest', async (request: ScimRequest, reply) => {
    if (!request.scimCaller || !isSearch(request, limits)) return;
    try {
      rateLimits.admitSearch(request.scimCaller.providerId);
      markSearch(request);
    } catch (error) {
      await rateLimits.refusalMaySend(error, request.raw.socket);
      closeAfterResponse(request, reply);
      sendScimError(error, request, reply, logger);
      return reply;
    }
  });
  fastify.addHook('onSend', async (request: ScimRequest, reply, payload) => {
    const workMs = searchWorkMs(request);
    // Only a search that was answered has scanned: a refused one cost what the limits on its input bound.
    if (request.scimCaller && workMs !== undefined && reply.statusCode < 300) rateLimits.chargeSearchWork(request.scimCaller.providerId, workMs);
    return payload;
  });
}

function isSearch(request: FastifyRequest, limits: FilterLimits): boolean {
  const route = request.routeOptions.url ?? '';
  if (request.method === 'POST') return route.endsWith('/.search');
  if (request.method !== 'GET' || !route.endsWith('/Users')) return false;
  return mayScanUsers((request.query as Record<string, unknown> | undefined)?.filter, limits);
}
