import { checkValueBounds } from '@app/scim/limits/value-bounds';
import type { ScimLimits } from '@app/scim/limits/scim-limits';
import type { FastifyInstance } from 'fastify';
import { isAdminPath } from './admin-paths';

/**
 * Refuses an admin body holding what no store can keep (U+0000, an unpaired surrogate) or beyond
 * the string and array limits, before any decision: on EventStoreDB an event appended with such a
 * value would fail to project and hold its IdP's (or the administrators') stream in quarantine.
 */
export function boundAdminBodies(fastify: FastifyInstance, limits: ScimLimits): void {
  fastify.addHook('preValidation', async (request) => {
    if (request.body !== undefined && isAdminPath(request.url)) checkValueBounds(request.body, limits, 'The request body');
  });
}
