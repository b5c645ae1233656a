import type { AppConfig } from '@app/platform/config/app-config';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ScimRequest } from '../../auth/scim-auth.guard';
import { FairTurns, SEARCH_MAX_YIELD_MS } from './fair-turns';
import { isSearch, searchWorkBegins } from './search-requests';

/** Requests at work at once with a PostgreSQL server (at most the pool size): more only made other IdPs wait longer (bench:noisy). */
const POSTGRES_WORK_SLOTS = 4;
/**
 * Embedded PGlite runs one statement at a time in its worker thread: two at work keep it busy (one
 * at a time measured no better in bench:noisy). The third is for a light IdP's second request
 * beside a busy IdP's one (see FairTurns): each IdP still works in at most one otherwise.
 */
const EMBEDDED_WORK_SLOTS = 3;

/** How many admitted requests may be at work at once (SCIM_WORK_SLOTS, else by store); the others wait for their IdP's turn. */
export function workSlots(config: AppConfig): number {
  if (config.workSlots > 0) return config.workSlots;
  return config.databaseUrl ? Math.min(config.database.poolSize, POSTGRES_WORK_SLOTS) : EMBEDDED_WORK_SLOTS;
}

/**
 * Admitted SCIM requests take turns per IdP for the work after their body is read (reading it
 * takes no turn, so a slow body never holds one). The turn ends once the response is serialized
 * (writing it to a client that reads slowly is no work, and must not hold a turn) — also when the
 * client left meanwhile: Fastify still runs the handler to its response, so a client that
 * disconnected at once would otherwise get any number of requests worked on outside the turns. A
 * search (marked by the searches hook, registered before this one) yields to other IdPs' work
 * ({@link FairTurns}) when it starts and between the batches it reads ({@link searchPause}).
 */
export function workInFairTurns(fastify: FastifyInstance, turns: FairTurns): void {
  const turnOf = new WeakMap<FastifyRequest, () => void>();
  fastify.addHook('preHandler', async (request: ScimRequest) => {
    if (!request.scimCaller) return;
    const { providerId } = request.scimCaller;
    turnOf.set(request, await turns.take(providerId, isSearch(request)));
    // Between its batches a search waits for other IdPs' work, SEARCH_MAX_YIELD_MS at most in all (no search starves).
    let yieldLeftMs = SEARCH_MAX_YIELD_MS;
    searchWorkBegins(request, async () => {
      const started = performance.now();
      await turns.othersIdle(providerId, yieldLeftMs);
      yieldLeftMs -= performance.now() - started;
    });
  });
  fastify.addHook('onSend', async (request, _reply, payload) => {
    turnOf.get(request)?.();
    return payload;
  });
}
