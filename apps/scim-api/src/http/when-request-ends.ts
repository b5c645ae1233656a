import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Calls `done` once, when the response is finished or its connection is gone — also when that
 * already happened (a client that left while we awaited a lookup: its 'close' event has fired and
 * fires no more), and when the socket closes before a pipelined request's response was attached to it.
 * Slots released here would otherwise leak, and a handful of leaked slots stops every tenant.
 */
export function whenRequestEnds(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const socket = request.raw.socket;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    socket?.off('close', end);
    reply.raw.off('close', end);
    done();
  };
  if (!socket || socket.destroyed || reply.raw.destroyed || reply.raw.writableFinished) return end();
  reply.raw.once('close', end);
  socket.once('close', end);
}
