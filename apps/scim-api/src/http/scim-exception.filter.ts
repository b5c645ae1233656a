import { ConcurrencyError } from '@app/event-store/concurrency.error';
import { DomainError, DomainErrorCode } from '@app/identity/shared/domain-error';
import { DatabaseUnavailableError } from '@app/platform/database/database-unavailable.error';
import { ScimError } from '@app/scim/errors/scim-error';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '../app.tokens';
import type { ScimRequest } from '../auth/scim-auth.guard';
import { providerIdOfUrl } from '../journal/scim-url';
import { closeAfterResponse } from './lingering-close';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

const DOMAIN_ERRORS: Record<DomainErrorCode, (message: string) => ScimError> = {
  USER_NOT_FOUND: ScimError.notFound,
  USER_ALREADY_EXISTS: ScimError.uniqueness,
  USER_NAME_REQUIRED: ScimError.invalidValue,
  USER_NAME_TAKEN: ScimError.uniqueness,
  EXTERNAL_ID_TAKEN: ScimError.uniqueness,
  PROVIDER_NOT_FOUND: ScimError.notFound,
  PROVIDER_ALREADY_REGISTERED: ScimError.uniqueness,
  PROVIDER_ID_INVALID: ScimError.invalidValue,
  PROVIDER_RETIRED: ScimError.uniqueness,
  TOKEN_NOT_FOUND: ScimError.notFound,
  TOKEN_REVOKED: ScimError.uniqueness,
  TOKEN_ALREADY_ROTATED: ScimError.uniqueness,
  TOKEN_LABEL_INVALID: ScimError.invalidValue,
  TOKEN_SCOPES_INVALID: ScimError.invalidValue,
  DURATION_INVALID: ScimError.invalidValue,
  CUSTOM_ATTRIBUTE_INVALID: ScimError.invalidValue,
  CUSTOM_ATTRIBUTE_NOT_FOUND: ScimError.notFound,
  CUSTOM_ATTRIBUTE_ALREADY_REGISTERED: ScimError.uniqueness,
  ADMIN_TOKEN_NOT_FOUND: ScimError.notFound,
};

/** The one mapping from anything thrown to an RFC 7644 §3.12 error; unknown errors become a logged 500. */
export function toScimError(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (error instanceof DomainError) return DOMAIN_ERRORS[error.code](error.message);
  if (error instanceof ConcurrencyError) return new ScimError(409, 'The user is being changed by other requests; retry');
  if (error instanceof DatabaseUnavailableError) {
    return ScimError.serviceUnavailable('The database is unavailable or did not answer in time; retry later', error.retryAfterSeconds);
  }
  // Nest hands errors raised before routing (unparsable bodies, unknown routes) over as HttpExceptions.
  if (error instanceof HttpException) {
    return error.getStatus() === 400 ? ScimError.invalidSyntax(error.message) : new ScimError(error.getStatus(), error.message);
  }
  if (isDataRejectedByDatabase(error)) return ScimError.invalidValue('The request holds a value the store cannot take (such as a NUL character or an out-of-range number)');
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Errors Fastify raises before routing: unparsable JSON, body too large, unsupported media type.
    const detail = (error as Error).message;
    return status === 400 ? ScimError.invalidSyntax(detail) : new ScimError(status, detail);
  }
  return undefined;
}

/**
 * PostgreSQL data exceptions (SQLSTATE class 22: bad characters, out-of-range numbers) that client
 * values reached despite validation: the client's input, so a 400 rather than a 500.
 */
function isDataRejectedByDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && (error as { severity?: unknown }).severity !== undefined;
}

export function sendScimError(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const scimError = toScimError(error);
  if (!scimError) logger.error({ err: error, requestId: request.id, providerId: providerIdOf(request), url: request.url.split('?')[0] }, 'unhandled error');
  const body = (scimError ?? new ScimError(500, 'Internal server error; the request id is ' + String(request.id))).toJSON();
  if (scimError?.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(scimError.retryAfterSeconds));
  for (const [name, value] of Object.entries(scimError?.headers ?? {})) void reply.header(name, value);
  // Answered before the body was all in (413 on its declared length, 415): the client may still be writing it.
  if (!request.raw.complete) closeAfterResponse(request, reply);
  void reply.status(Number(body.status)).header('Content-Type', SCIM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** The IdP a log line is about: the authenticated caller's, else the one its URL names. */
function providerIdOf(request: FastifyRequest): string | null {
  return (request as ScimRequest).scimCaller?.providerId ?? providerIdOfUrl(request.url);
}

@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendScimError(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
