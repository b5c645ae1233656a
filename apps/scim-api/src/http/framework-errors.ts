import { ScimError } from '@app/scim/errors/scim-error';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ROUTE_PARAM_MAX_LENGTH } from './http-server-options';
import { sendScimError } from './scim-exception.filter';

/** Fastify's frameworkErrors: what its router rejects before any route or hook runs, as SCIM errors. */
export function answerFrameworkErrorsAsScim(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    sendScimError(toScim(error), request, reply, logger);
  };
}

function toScim(error: FastifyError): unknown {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return ScimError.invalidSyntax('The URL holds invalid percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ScimError(414, `A segment of the URL path is longer than ${ROUTE_PARAM_MAX_LENGTH} characters`);
    default:
      return error;
  }
}
