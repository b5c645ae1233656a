import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { toAdminError } from '../http/admin-errors';
import { CONSOLE_PATH, sendPage } from './console-page';
import type { ConsoleSession } from './console-sessions';
import { html } from './html';

/** Any error on a console page as a page: the admin API's status and message (a 404 for an unknown id), never a stack. */
export function sendConsoleError(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const known = toAdminError(error);
  if (!known) logger.error({ err: error, requestId: request.id, url: request.url.split('?')[0] }, 'unhandled error');
  const status = known?.status ?? 500;
  const message = known?.message ?? `Something went wrong; quote the request id ${String(request.id)} to support`;
  if (known?.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(known.retryAfterSeconds));
  const title = status === 404 ? 'Not found' : status === 403 ? 'Refused' : 'That did not work';
  const body = html`<p><a href="${CONSOLE_PATH}/idps">Back to the identity providers</a></p>`;
  sendPage(reply, { title, body, error: message, session: (request as { consoleSession?: ConsoleSession }).consoleSession }, status);
}
