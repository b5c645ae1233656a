import { ScimError } from '@app/scim/errors/scim-error';
import type { Server } from 'node:http';
import { SCIM_CONTENT_TYPE } from './scim-exception.filter';

/**
 * Node answers a request whose Expect header is not `100-continue` itself, before Fastify sees it,
 * with a bare 417 and no body; this answers it as an RFC 7644 §3.12 error instead, and closes the
 * connection (the body, if any, is never read).
 */
export function answerUnmetExpectationsAsScim(server: Server): void {
  server.on('checkExpectation', (_request, response) => {
    const body = JSON.stringify(new ScimError(417, 'The only Expect this server meets is 100-continue').toJSON());
    response.writeHead(417, { 'Content-Type': SCIM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    response.end(body);
  });
}
