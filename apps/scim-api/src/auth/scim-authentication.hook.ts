import { ScimError } from '@app/scim/errors/scim-error';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { SCIM_ROUTE_PREFIX } from '../http/resource-locations';
import type { ScimRateLimits } from '../http/rate-limits/scim-rate-limits';
import { closeAfterResponse } from '../http/lingering-close';
import { sendScimError } from '../http/scim-exception.filter';
import { whenRequestEnds } from '../http/when-request-ends';
import type { ScimAuthGuard, ScimRequest } from './scim-auth.guard';
import type { ScimAuthenticator } from './scim-authenticator';

const SCIM_ROUTE = `/${SCIM_ROUTE_PREFIX}`;

/**
 * Answers unknown routes, unknown IdPs, bad tokens and rate limits from the request line and headers,
 * before Fastify reads a body byte, and closes the connection, so a pending body is never buffered (it
 * is discarded while the connection lingers, see {@link closeAfterResponse}). An admitted request
 * holds an in-flight slot until its response is finished or its connection is gone, whichever comes first. {@link ScimAuthGuard} completes the context with the body.
 */
export function authenticateBeforeBody(fastify: FastifyInstance, authenticator: ScimAuthenticator, rateLimits: ScimRateLimits, logger: Logger): void {
  fastify.addHook('onRequest', async (request: ScimRequest, reply) => {
    try {
      if (request.is404) throw ScimError.notFound(`No endpoint ${request.method} ${request.url.split('?')[0]}`);
      if (!request.routeOptions.url?.startsWith(SCIM_ROUTE)) return;
      request.scimCaller = await authenticator.authenticate(request);
      const { tokenId, providerId } = request.scimCaller;
      whenRequestEnds(request, reply, rateLimits.admit(tokenId, providerId, declaredBodyBytes(request)));
      const paceMs = rateLimits.paceMs(tokenId, providerId);
      if (paceMs > 0) await delay(paceMs);
    } catch (error) {
      await rateLimits.refusalMaySend(error, request.raw.socket);
      closeAfterResponse(request, reply);
      sendScimError(error, request, reply, logger);
      return reply;
    }
  });
}

/** The body's size as its headers declare it; a chunked body of unknown size counts as the largest. */
function declaredBodyBytes(request: FastifyRequest): number {
  const length = Number(request.headers['content-length'] ?? 0);
  if (request.headers['transfer-encoding'] !== undefined) return Number.POSITIVE_INFINITY;
  return Number.isFinite(length) && length > 0 ? length : 0;
}
