import type { AppConfig } from '@app/platform/config/app-config';
import { whenRequestEnds } from '../when-request-ends';
import type { FastifyInstance } from 'fastify';
import type { ScimRequest } from '../../auth/scim-auth.guard';
import { FairTurns } from './fair-turns';

/** Requests at work at once with a PostgreSQL server (at most the pool size): more only made other IdPs wait longer (bench:noisy). */
const POSTGRES_WORK_SLOTS = 4;
/** Embedded PGlite runs one statement at a time on the event loop: two at work keep it busy. */
const EMBEDDED_WORK_SLOTS = 2;

/** How many admitted requests may be at work at once; the others wait for their IdP's turn. */
export function workSlots(config: AppConfig): number {
  return config.databaseUrl ? Math.min(config.database.poolSize, POSTGRES_WORK_SLOTS) : EMBEDDED_WORK_SLOTS;
}

/**
 * Admitted SCIM requests take turns per IdP for the work after their body is read (reading it
 * takes no turn, so a slow body never holds one). The turn ends when the response is finished or
 * the connection is gone.
 */
export function workInFairTurns(fastify: FastifyInstance, turns: FairTurns): void {
  fastify.addHook('preHandler', async (request: ScimRequest, reply) => {
    if (!request.scimCaller) return;
    let release: (() => void) | undefined;
    let ended = false;
    whenRequestEnds(request, reply, () => {
      ended = true;
      release?.();
    });
    if (ended) return;
    release = await turns.take(request.scimCaller.providerId);
    if (ended) release();
  });
}
