import { ScimError } from '@app/scim/errors/scim-error';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { closeLingering } from './lingering-close';
import { SCIM_CONTENT_TYPE } from './scim-exception.filter';

/** Errors Node's HTTP parser and timers raise before Fastify sees a request, as RFC 7644 §3.12 errors. */
function clientErrorToScim(code: string | undefined): ScimError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ScimError(408, 'The request (headers and body) did not arrive in time');
    case 'HPE_HEADER_OVERFLOW':
      return new ScimError(431, 'The request line and headers are larger than this server accepts');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new ScimError(413, 'The chunk extensions of the request body are too large');
    default:
      return new ScimError(400, 'The request is not valid HTTP/1.1');
  }
}

/**
 * Fastify's clientErrorHandler: writes a raw HTTP response with a SCIM error body (nothing else can
 * answer: there is no request yet), then closes the connection, lingering so the client can read it.
 */
export function answerClientErrorsAsScim(logger: Logger): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    // Not writable: the connection was answered and is closing (a parser in error reports each later chunk again).
    if (!socket.writable) return closeLingering(socket);
    const scimError = clientErrorToScim(error.code);
    logger.info({ code: error.code, status: scimError.status }, 'client error');
    // A response already under way on this connection cannot be followed by another one.
    const responseStarted = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (!responseStarted) {
      const body = JSON.stringify(scimError.toJSON());
      socket.write(
        `HTTP/1.1 ${scimError.status} ${STATUS_CODES[scimError.status] ?? ''}\r\nContent-Type: ${SCIM_CONTENT_TYPE}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    closeLingering(socket);
  };
}
