import type { RateLimitConfig } from '@app/platform/config/app-config';
import { ScimError } from '@app/scim/errors/scim-error';
import type { Socket } from 'node:net';
import { delayRefusal } from '../connection-cap';
import { InFlightCounter } from './in-flight-counter';
import { TokenBuckets } from './token-buckets';

/**
 * The work one search token buys: a search that works longer (from its turn to its serialized
 * response) is charged one token per this many milliseconds, so RATE_LIMIT_SEARCHES_PER_IDP = 10
 * bounds an IdP's searches to about 100 ms of work per second however many users each one scans
 * (at 20 ms, 200 ms, a hostile tenant's scans held 20–50 % of PGlite's thread in bench:noisy).
 * A search of a small tenant takes a few ms, and stays at one token on a loaded machine.
 */
export const SEARCH_WORK_MS_PER_TOKEN = 10;

/** Refusals that cost the client nothing to provoke: unknown route or IdP, bad token, over a limit. */
const CHEAP_REFUSALS = new Set([401, 404, 429]);

/**
 * Admission of an authenticated SCIM request: the token's rate, the IdP's rate, then the IdP's
 * requests in flight; and of a search, the IdP's searches. A request refused by one limit keeps
 * what it took from the limits before it; what slows a client that hammers is the refusal's delay
 * ({@link refusalMaySend}) and the pacing ({@link paceMs}). Each limit set to 0 is off.
 */
export class ScimRateLimits {
  private readonly perToken?: TokenBuckets;
  private readonly perProvider?: TokenBuckets;
  private readonly bodyBytesPerProvider?: TokenBuckets;
  private readonly inFlight?: InFlightCounter;
  private readonly searchesPerProvider?: TokenBuckets;
  private readonly pacePerToken?: TokenBuckets;
  private readonly pacePerProvider?: TokenBuckets;

  private readonly refusalDelayMs: number;
  private readonly pacing = { requests: 0, seconds: 0 };

  constructor(config: RateLimitConfig, now?: () => number) {
    this.refusalDelayMs = config.refusalDelayMs;
    if (config.perTokenPerSecond > 0) this.perToken = new TokenBuckets(config.perTokenPerSecond, config.burstSeconds, now);
    if (config.perProviderPerSecond > 0) this.perProvider = new TokenBuckets(config.perProviderPerSecond, config.burstSeconds, now);
    if (config.bodyBytesPerProviderPerSecond > 0) {
      this.bodyBytesPerProvider = new TokenBuckets(config.bodyBytesPerProviderPerSecond, config.burstSeconds, now);
    }
    if (config.maxInFlightPerProvider > 0) this.inFlight = new InFlightCounter(config.maxInFlightPerProvider);
    if (config.paceBurstMs > 0) {
      if (config.perTokenPerSecond > 0) this.pacePerToken = new TokenBuckets(config.perTokenPerSecond, config.paceBurstMs / 1000, now);
      if (config.perProviderPerSecond > 0) this.pacePerProvider = new TokenBuckets(config.perProviderPerSecond, config.paceBurstMs / 1000, now);
    }
    if (config.searchesPerProviderPerSecond > 0) this.searchesPerProvider = new TokenBuckets(config.searchesPerProviderPerSecond, config.burstSeconds, now);
  }

  /**
   * The release function of the request's in-flight slot; throws a 429 ScimError when a limit is
   * reached. `bodyBytes` is the body's declared size (Infinity when it is chunked: at most a full bucket).
   */
  admit(tokenId: string, providerId: string, bodyBytes = 0): () => void {
    const tokenWait = this.perToken?.take(tokenId);
    if (tokenWait !== undefined) throw tooMany('This token sent more requests per second than allowed', tokenWait);
    const providerWait = this.perProvider?.take(providerId);
    if (providerWait !== undefined) throw tooMany('This identity provider sent more requests per second than allowed', providerWait);
    // Parsing and checking bodies is the CPU a tenant can take from others: its bytes are rationed too.
    const bytesWait = bodyBytes > 0 ? this.bodyBytesPerProvider?.take(providerId, bodyBytes) : undefined;
    if (bytesWait !== undefined) throw tooMany('This identity provider sent more request body bytes per second than allowed', bytesWait);
    if (!this.inFlight) return () => undefined;
    const release = this.inFlight.tryAcquire(providerId);
    if (!release) throw tooMany('This identity provider has too many requests in progress', 1);
    return release;
  }

  /**
   * The milliseconds an admitted request waits before its body is read, so that a token's or an
   * IdP's requests that came together beyond `paceBurstMs` of its rate start spaced at that rate
   * rather than back to back. A client hammering at its limit otherwise got its refill's worth of
   * requests worked in one clump each time its refused requests came back (bench:noisy: up to 120
   * in 50 ms), and another tenant's requests waited behind the whole clump. The pacing shares the
   * limits' rates, so it never waits longer than their burst (what they refuse beyond).
   */
  paceMs(tokenId: string, providerId: string): number {
    const waitMs = Math.max(this.pacePerToken?.reserve(tokenId) ?? 0, this.pacePerProvider?.reserve(providerId) ?? 0) * 1000;
    if (waitMs > 0) {
      this.pacing.requests += 1;
      this.pacing.seconds += waitMs / 1000;
    }
    return waitMs;
  }

  /** Requests paced since start, and the seconds they waited in all (for metrics). */
  get paced(): { readonly requests: number; readonly seconds: number } {
    return { ...this.pacing };
  }

  /**
   * Admission of a search on top of {@link admit}: a list request that may scan the IdP's users
   * (`mayScanUsers`), or a .search. Searches are rationed per IdP, which a client that matches
   * users one at a time with `eq` filters, as Entra ID does, never meets. Throws a 429 ScimError
   * when the IdP has spent them.
   */
  admitSearch(providerId: string): void {
    const wait = this.searchesPerProvider?.take(providerId);
    if (wait !== undefined) throw tooMany('This identity provider sent more searches per second than allowed (filters other than eq joined by and, or none)', wait);
  }

  /**
   * Charges an admitted search for the `workMs` it worked, beyond the token {@link admitSearch}
   * took: one token per SEARCH_WORK_MS_PER_TOKEN. The IdP may owe them; its next search waits
   * until they are paid back. A count alone let a tenant with many users scan them all ten times
   * a second, and each scan costs in proportion to them.
   */
  chargeSearchWork(providerId: string, workMs: number): void {
    const owed = workMs / SEARCH_WORK_MS_PER_TOKEN - 1;
    if (owed > 0) this.searchesPerProvider?.charge(providerId, owed);
  }

  /**
   * Resolves when a refusal made before the body was read may be sent: a 401, 404 or 429 waits
   * `refusalDelayMs`, so a client that retries at once sends one request a second per connection
   * rather than as many as we can refuse (bench:noisy: a flood of bad tokens and unknown tenants
   * answered at once took most of what the other limits left for another tenant); others at once.
   */
  async refusalMaySend(error: unknown, socket: Socket): Promise<void> {
    if (error instanceof ScimError && CHEAP_REFUSALS.has(error.status)) await delayRefusal(socket, this.refusalDelayMs);
  }
}

function tooMany(detail: string, waitSeconds: number): ScimError {
  return ScimError.tooManyRequests(`${detail}; retry after the time in Retry-After`, Math.max(1, Math.ceil(waitSeconds)));
}
