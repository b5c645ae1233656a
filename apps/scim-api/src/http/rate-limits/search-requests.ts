import type { FastifyRequest } from 'fastify';

/**
 * The requests {@link rationSearches} counted as searches, and when each began its work (its fair
 * turn), shared by the hooks that ration them, order them and charge them. Keyed by the request
 * object, so a finished request is forgotten with it.
 */
const searches = new WeakMap<FastifyRequest, { workBegan?: number }>();

export function markSearch(request: FastifyRequest): void {
  searches.set(request, {});
}

export function isSearch(request: FastifyRequest): boolean {
  return searches.has(request);
}

/** Called when a search's turn begins: from then on its time is work. */
export function searchWorkBegins(request: FastifyRequest): void {
  const search = searches.get(request);
  if (search) search.workBegan = performance.now();
}

/** Milliseconds the search has been at work (since its turn began), or undefined when it never began. */
export function searchWorkMs(request: FastifyRequest): number | undefined {
  const began = searches.get(request)?.workBegan;
  return began === undefined ? undefined : performance.now() - began;
}
