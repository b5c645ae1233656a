import type { FastifyRequest } from 'fastify';

/**
 * The requests {@link rationSearches} counted as searches, and when each began its work (its fair
 * turn), shared by the hooks that ration them, order them and charge them. Keyed by the request
 * object, so a finished request is forgotten with it.
 */
const searches = new WeakMap<FastifyRequest, { workBegan?: number; pausedMs: number; pause?: () => Promise<void> }>();

export function markSearch(request: FastifyRequest): void {
  searches.set(request, { pausedMs: 0 });
}

export function isSearch(request: FastifyRequest): boolean {
  return searches.has(request);
}

/**
 * Called when a search's turn begins: from then on its time is work, less the time it spends in
 * `yieldToOthers` (which resolves once other IdPs' work is done) between its batches.
 */
export function searchWorkBegins(request: FastifyRequest, yieldToOthers: () => Promise<void>): void {
  const search = searches.get(request);
  if (!search) return;
  search.workBegan = performance.now();
  search.pause = async () => {
    const started = performance.now();
    await yieldToOthers();
    search.pausedMs += performance.now() - started;
  };
}

/** What a search calls between its batches (undefined for other requests): it resolves once other IdPs' work is done. */
export function searchPause(request: FastifyRequest): (() => Promise<void>) | undefined {
  return searches.get(request)?.pause;
}

/** Milliseconds the search has been at work (since its turn began, less its pauses), or undefined when it never began. */
export function searchWorkMs(request: FastifyRequest): number | undefined {
  const search = searches.get(request);
  return search?.workBegan === undefined ? undefined : performance.now() - search.workBegan - search.pausedMs;
}
