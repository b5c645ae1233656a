import { ScimError } from '@app/scim/errors/scim-error';
import { exceedsJsonDepth } from '@app/scim/limits/json-depth';
import { describeLimit } from '@app/scim/limits/limit-detail';
import { DEFAULT_SCIM_LIMITS, ScimLimits } from '@app/scim/limits/scim-limits';
import type { FastifyInstance } from 'fastify';

/**
 * Only JSON media types are SCIM bodies; anything else is a 415, not a 400 about its content.
 * Entra sends application/scim+json; charset=utf-8, which Fastify's JSON parser does not take by default.
 * Nesting deeper than maxJsonDepth is refused on the raw text, before JSON.parse, so no recursive
 * code downstream (validation, coercion, cloning) ever meets it.
 * @param limits the configured limits (create-app passes config.limits).
 */
export function acceptScimJsonBodies(fastify: FastifyInstance, limits: Pick<ScimLimits, 'maxJsonDepth'> = DEFAULT_SCIM_LIMITS): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(/^application\/([\w.+-]+\+)?json/i, { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (exceedsJsonDepth(text, limits.maxJsonDepth)) {
      return done(ScimError.invalidSyntax(`The request body nests deeper than ${describeLimit(limits, 'maxJsonDepth')}`), undefined);
    }
    try {
      done(null, text === '' ? undefined : JSON.parse(text));
    } catch {
      done(ScimError.invalidSyntax('The request body is not valid JSON'), undefined);
    }
  });
}
