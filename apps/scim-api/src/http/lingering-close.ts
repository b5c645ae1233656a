import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';

/** How long a connection closed before its request was read keeps discarding what the client still sends (Apache's default). */
export const LINGER_MS = 2000;

const lingering = new WeakSet<Socket>();

/**
 * Closes a connection the way RFC 9112 §9.6 asks of a server that answers before it has read the
 * whole request: the response and a FIN go out, what the client still sends is read and discarded
 * until it closes its side or `lingerMs` pass, then the socket is destroyed. Destroying it at once,
 * with body bytes unread or still arriving, makes the kernel answer with a reset, and a client still
 * writing its body then fails its write and never reads the 401, 404 or 429 that was waiting for it.
 */
export function closeLingering(socket: Socket, lingerMs = LINGER_MS): void {
  if (lingering.has(socket) || socket.destroyed) return;
  lingering.add(socket);
  socket.end();
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  // Node's HTTP parser keeps reading (a finished request's unread body is dumped); once the client's FIN arrives the socket closes itself.
  socket.once('close', () => clearTimeout(timer));
}

/**
 * For a request answered before its body was read: the connection cannot be reused (and keep-alive
 * would let cheap refusals fill the connection cap), so it is closed, lingering, once the response is
 * finished (Node calls destroySoon() on the socket of a `Connection: close` response).
 */
export function closeAfterResponse(request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('Connection', 'close');
  const socket = request.raw.socket;
  socket.destroySoon = () => closeLingering(socket);
}
