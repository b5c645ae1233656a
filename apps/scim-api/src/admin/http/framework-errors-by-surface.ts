import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { answerFrameworkErrorsAsScim } from '../../http/framework-errors';
import { sendAdminError } from './admin-errors';
import { sendConsoleError } from '../console/console-errors';
import { isAdminPath, isConsolePath } from './admin-paths';

/** Fastify's frameworkErrors: what its router rejects before any route or hook runs, as an error page on console pages, admin JSON under /admin/v1, else as SCIM errors. */
export function answerFrameworkErrorsBySurface(logger: Logger) {
  const asScim = answerFrameworkErrorsAsScim(logger);
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    if (isConsolePath(request.url)) sendConsoleError(error, request, reply, logger);
    else if (isAdminPath(request.url)) sendAdminError(error, request, reply, logger);
    else asScim(error, request, reply);
  };
}
