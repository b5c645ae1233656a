interface Entry<V> {
  readonly value: Promise<V | undefined>;
  readonly expiresAt: number;
}

/**
 * Remembers lookups for `ttlMs`, found and missing apart (each map at most `maxEntries`, least
 * recently used out first), so that a flood of unknown keys can only churn the missing ones. Lookups
 * of one key that overlap share one load; a failed load is not remembered, nor is one that an
 * `invalidate` of its key overtook.
 */
export class LookupCache<V> {
  private readonly found = new Map<string, Entry<V>>();
  private readonly missing = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V | undefined>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.fresh(this.found, key) ?? this.fresh(this.missing, key) ?? this.loading.get(key);
    if (cached) return cached;
    // Fresh for ttlMs from when the load started: a row read before a revoke is not kept longer.
    const started = this.now();
    const value = load();
    this.loading.set(key, value);
    const current = () => this.loading.get(key) === value;
    value.then(
      (loaded) => {
        if (!current()) return;
        this.loading.delete(key);
        this.remember(loaded === undefined ? this.missing : this.found, key, value, started);
      },
      () => current() && this.loading.delete(key),
    );
    return value;
  }

  /** Forgets `key`: the next get loads it anew, and a load already under way is neither shared nor kept. */
  invalidate(key: string): void {
    this.found.delete(key);
    this.missing.delete(key);
    this.loading.delete(key);
  }

  private fresh(entries: Map<string, Entry<V>>, key: string): Promise<V | undefined> | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    entries.set(key, entry);
    return entry.value;
  }

  private remember(entries: Map<string, Entry<V>>, key: string, value: Promise<V | undefined>, started: number): void {
    entries.set(key, { value, expiresAt: started + this.ttlMs });
    if (entries.size > this.maxEntries) entries.delete(entries.keys().next().value as string);
  }
}
