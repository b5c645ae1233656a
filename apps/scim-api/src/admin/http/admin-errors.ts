import { DomainError } from '@app/identity/shared/domain-error';
import { ScimError } from '@app/scim/errors/scim-error';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { toScimError } from '../../http/scim-exception.filter';

/** What every admin error answers: the HTTP status, a code word to branch on, and a sentence for people. */
export interface AdminErrorBody {
  readonly status: number;
  readonly error: string;
  readonly message: string;
}

/** An error of the admin plane itself (authentication, request shape, unknown route). */
export class AdminRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminRequestError';
  }

  static badRequest(message: string): AdminRequestError {
    return new AdminRequestError(400, 'INVALID_REQUEST', message);
  }
  static unauthorized(message: string): AdminRequestError {
    return new AdminRequestError(401, 'UNAUTHORIZED', message);
  }
  static notFound(message: string): AdminRequestError {
    return new AdminRequestError(404, 'NOT_FOUND', message);
  }
}

/**
 * The admin body for anything thrown; statuses come from the one mapping the SCIM routes use
 * (domain codes → 404/409/400), the code word from the domain error or the SCIM keyword.
 * Undefined for an unexpected error (a 500).
 */
export function toAdminError(error: unknown): (AdminErrorBody & { retryAfterSeconds?: number }) | undefined {
  if (error instanceof AdminRequestError) return { status: error.status, error: error.error, message: error.message };
  const scim = toScimError(error);
  if (!scim) return undefined;
  return { status: scim.status, error: codeWord(error, scim), message: scim.detail, retryAfterSeconds: scim.retryAfterSeconds };
}

function codeWord(error: unknown, scim: ScimError): string {
  if (error instanceof DomainError) return error.code;
  // invalidPath → INVALID_PATH; otherwise the status's reason phrase, e.g. PAYLOAD_TOO_LARGE.
  const word = scim.scimType?.replace(/[A-Z]/g, (c) => `_${c}`) ?? STATUS_CODES[scim.status] ?? `HTTP_${scim.status}`;
  return word.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

export function sendAdminError(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const known = toAdminError(error);
  if (!known) logger.error({ err: error, requestId: request.id, url: request.url.split('?')[0] }, 'unhandled error');
  const { retryAfterSeconds, ...body } = known ?? { status: 500, error: 'INTERNAL', message: `Internal server error; the request id is ${String(request.id)}` };
  if (retryAfterSeconds !== undefined) void reply.header('Retry-After', String(retryAfterSeconds));
  if (body.status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="admin"');
  void reply.status(body.status).header('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}
