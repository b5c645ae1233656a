import type { IdentityProviderDirectory, ProviderRecord } from '@app/read-model/store/identity-provider-directory';
import { LookupCache } from './lookup-cache';

const ALL_IDS = '';

/** The reads the lookups need from the directory. */
export type ProviderReads = Pick<IdentityProviderDirectory, 'listProviderIds' | 'findProvider'>;

export interface IdentityProviderLookupLimits {
  /** How long a read is reused, from when it started. */
  readonly ttlMs: number;
  /** IdPs remembered (found and missing apart). */
  readonly maxEntries: number;
  /** Reads of ids missing from the id list allowed per `ttlMs`: an IdP registered since the list was read is found at once. */
  readonly unlistedReadsPerTtl: number;
}

/**
 * The read model's IdPs (with their live token digests) for authentication, each reused for
 * `ttlMs` from when its read started. An id is first checked against the list of every IdP id, read
 * at most once per `ttlMs`; ids not on it get a read of their own only within a small budget, so a
 * flood of random tenant ids costs a bounded number of queries, and tokens come with their IdP, so
 * random tokens cost none. `invalidate` drops an IdP at once (a change made in this process).
 */
export class IdentityProviderLookups {
  private readonly ids: LookupCache<ReadonlySet<string>>;
  private readonly providers: LookupCache<ProviderRecord>;
  private budget = { windowStart: -Infinity, used: 0 };

  constructor(
    private readonly directory: ProviderReads,
    private readonly limits: IdentityProviderLookupLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.ids = new LookupCache(limits.ttlMs, 1, now);
    this.providers = new LookupCache(limits.ttlMs, limits.maxEntries, now);
  }

  async find(providerId: string): Promise<ProviderRecord | undefined> {
    const listed = await this.ids.get(ALL_IDS, () => this.directory.listProviderIds());
    if (!listed?.has(providerId) && !this.takeUnlistedRead()) return undefined;
    return this.providers.get(providerId, () => this.directory.findProvider(providerId));
  }

  /** Drops the IdP and the id list (it may be new), including reads already under way. */
  invalidate(providerId: string): void {
    this.ids.invalidate(ALL_IDS);
    this.providers.invalidate(providerId);
  }

  private takeUnlistedRead(): boolean {
    const now = this.now();
    if (now - this.budget.windowStart >= this.limits.ttlMs) this.budget = { windowStart: now, used: 0 };
    if (this.budget.used >= this.limits.unlistedReadsPerTtl) return false;
    this.budget.used += 1;
    return true;
  }
}
