import type { JournalConfig } from '@app/platform/config/app-config';
import type { JournalWriter } from '@app/journal/journal-writer';
import { errorOfAnswer } from '@app/journal/scim-error-answer';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { entryOf, JournaledRequest } from './journal.hooks';
import { REQUEST_ID_HEADER } from './request-id.hook';
import { isScimUrl } from './scim-url';

type FrameworkErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * What Fastify's router refuses (bad percent-encoding, a 414 segment) runs no hook at all: its
 * answer gets the request id here, and under /scim/ its journal entry once it is sent.
 */
export function journalFrameworkErrors(answer: FrameworkErrorHandler, journal: JournalWriter | undefined, config: JournalConfig): FrameworkErrorHandler {
  return (error, request: JournaledRequest, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (journal && isScimUrl(request.url)) {
      const send = reply.send.bind(reply);
      reply.send = (payload?: unknown) => {
        request.journalError = errorOfAnswer(payload);
        return send(payload);
      };
      reply.raw.once('finish', () => journal.record(entryOf(request, reply, config.maxBodyBytes)));
    }
    answer(error, request, reply);
  };
}
