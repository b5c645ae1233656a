import type { JournalConfig } from '@app/platform/config/app-config';
import { cleanText } from '@app/journal/clean-text';
import type { JournalEntry } from '@app/journal/journal-entry';
import type { JournalWriter } from '@app/journal/journal-writer';
import { redactedBody } from '@app/journal/redacted-body';
import { identifiersOf } from '@app/journal/request-identifiers';
import { ErrorAnswer, errorOfAnswer } from '@app/journal/scim-error-answer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ScimRequest } from '../auth/scim-auth.guard';
import { isScimUrl, providerIdOfUrl, userIdOfLocation, userIdOfUrl } from './scim-url';

/** A request line is at most a few KB (431 beyond); kept up to this. */
const MAX_PATH_CHARS = 4_096;

export type JournaledRequest = ScimRequest & { journalError?: ErrorAnswer | null };

/**
 * Records every SCIM request (refusals from the onRequest hooks, parse and validation errors, 404
 * routes under /scim included) once its response is sent: the error answer is read in onSend, the
 * entry built in onResponse and handed to the writer, which never waits. `recorded` resolves once
 * every request begun has its entry (or after `withinMs`): the stop waits for it before closing the
 * journal, since a request whose connection the stop closed reaches onResponse after the server's
 * close (its entry was dropped).
 */
export function journalScimRequests(fastify: FastifyInstance, journal: JournalWriter, config: JournalConfig): { recorded(withinMs: number): Promise<void> } {
  // Requests begun and not yet recorded (nor abandoned by their client before an answer: those get no entry).
  const pending = new Set<FastifyRequest>();
  let allRecorded: (() => void) | undefined;
  const settle = (request: FastifyRequest) => {
    if (pending.delete(request) && pending.size === 0) allRecorded?.();
  };
  fastify.addHook('onRequest', async (request) => {
    if (isScimUrl(request.url)) pending.add(request);
  });
  fastify.addHook('onSend', async (request: JournaledRequest, reply, payload) => {
    if (reply.statusCode >= 400 && isScimUrl(request.url)) request.journalError = errorOfAnswer(payload);
    return payload;
  });
  fastify.addHook('onResponse', async (request: JournaledRequest, reply) => {
    if (!isScimUrl(request.url)) return;
    journal.record(entryOf(request, reply, config.maxBodyBytes));
    settle(request);
  });
  fastify.addHook('onRequestAbort', async (request) => settle(request));
  return {
    recorded: (withinMs) =>
      pending.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, withinMs);
            allRecorded = () => {
              clearTimeout(timer);
              resolve();
            };
          }),
  };
}

/** The entry for a request whose response was sent. */
export function entryOf(request: JournaledRequest, reply: FastifyReply, maxBodyBytes: number): JournalEntry {
  const body = redactedBody(request.body, maxBodyBytes);
  // Fastify starts no clock for what its router refuses before routing.
  const elapsed = Number.isFinite(reply.elapsedTime) ? reply.elapsedTime : 0;
  return {
    at: new Date(Date.now() - elapsed),
    requestId: String(request.id),
    providerId: request.scimCaller?.providerId ?? providerIdOfUrl(request.url),
    tokenId: request.scimCaller?.tokenId ?? request.recognisedTokenId ?? null,
    // Undefined once the client is gone.
    clientAddress: request.ip ?? '',
    method: request.method,
    path: cleanText(request.url, MAX_PATH_CHARS),
    status: reply.statusCode,
    scimType: request.journalError?.scimType ?? null,
    detail: request.journalError?.detail ?? null,
    durationMs: Math.round(elapsed),
    identifiers: identifiersOf(request.body, [userIdOfUrl(request.url), createdUserId(request, reply)], filterOf(request)),
    body: body?.text ?? null,
    bodyTruncated: body?.truncated ?? false,
  };
}

function filterOf(request: JournaledRequest): string | undefined {
  const filter = (request.query as Record<string, unknown> | undefined)?.filter;
  return typeof filter === 'string' ? filter : undefined;
}

/** The id of the user a POST created, from its Location (`…/Users/{id}`). */
function createdUserId(request: JournaledRequest, reply: FastifyReply): string | undefined {
  const location = reply.getHeader('location');
  if (request.method !== 'POST' || reply.statusCode !== 201 || typeof location !== 'string') return undefined;
  return userIdOfLocation(location);
}
