import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { answerFrameworkErrorsAsScim } from '../../http/framework-errors';
import { sendAdminError } from './admin-errors';
import { isAdminPath } from './admin-paths';

/** Fastify's frameworkErrors: what its router rejects before any route or hook runs, as admin JSON under /admin, else as SCIM errors. */
export function answerFrameworkErrorsBySurface(logger: Logger) {
  const asScim = answerFrameworkErrorsAsScim(logger);
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void =>
    isAdminPath(request.url) ? sendAdminError(error, request, reply, logger) : asScim(error, request, reply);
}
