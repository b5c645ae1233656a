import { ScimError } from '@app/scim/errors/scim-error';
import type { FastifyInstance } from 'fastify';

/**
 * Only JSON media types are SCIM bodies; anything else is a 415, not a 400 about its content.
 * Entra sends application/scim+json; charset=utf-8, which Fastify's JSON parser does not take by default.
 */
export function acceptScimJsonBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(/^application\/([\w.+-]+\+)?json/i, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(ScimError.invalidSyntax('The request body is not valid JSON'), undefined);
    }
  });
}
