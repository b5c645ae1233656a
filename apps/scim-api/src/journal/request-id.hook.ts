import type { FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * Every answer (SCIM and admin, refusals included) names its request id, the one the journal, the
 * log lines and the events' provenance carry: what a caller quotes to support.
 */
export function answerWithRequestId(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
}
