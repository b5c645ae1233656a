import type { FastifyInstance, FastifyRequest } from 'fastify';
import { delayRefusal } from '../../http/connection-cap';
import type { Logger } from 'pino';
import { AdminRequestError, sendAdminError } from '../http/admin-errors';
import { sendConsoleError } from '../console/console-errors';
import { closeAfterResponse } from '../../http/lingering-close';
import { isAdminPath, isConsolePath } from '../http/admin-paths';
import type { AdminAuthenticator, AdminCaller } from './admin-authenticator';

export type AdminRequest = FastifyRequest & { adminCaller?: AdminCaller };

/**
 * Answers unknown admin routes (404) and missing or invalid admin tokens (401) as admin error JSON
 * from the request line and headers, before any body byte is read. Console pages (under /admin, not
 * /admin/v1) take no bearer token but the console's session (console-gate.ts); an unknown one is a 404 page. Registered before the SCIM
 * hooks: an answered request goes no further, and an admitted one is no SCIM request to them.
 * Refusals are sent `refusalDelayMs` late, as SCIM's are (RATE_LIMIT_REFUSAL_DELAY_MS), so guessing
 * admin tokens costs a second per connection.
 */
export function authenticateAdmins(fastify: FastifyInstance, authenticator: AdminAuthenticator, logger: Logger, refusalDelayMs: number): void {
  fastify.addHook('onRequest', async (request: AdminRequest, reply) => {
    if (!isAdminPath(request.url)) return;
    if (isConsolePath(request.url)) {
      if (!request.is404) return;
      sendConsoleError(AdminRequestError.notFound(`There is no page ${request.url.split('?')[0]}`), request, reply, logger);
      return reply;
    }
    try {
      if (request.is404) throw AdminRequestError.notFound(`No admin endpoint ${request.method} ${request.url.split('?')[0]}`);
      request.adminCaller = await authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof AdminRequestError) await delayRefusal(request.raw.socket, refusalDelayMs);
      closeAfterResponse(request, reply);
      sendAdminError(error, request, reply, logger);
      return reply;
    }
  });
}
