/** Keys beyond this many make the next count forget those whose count has faded below FADED. */
const MAX_KEYS = 10_000;
const FADED = 0.01;

/**
 * A count per key that halves every `halfLifeMs`: how many times a key was counted lately, with no
 * window edge where a burst would be forgotten all at once.
 */
export class RecentCounts {
  private readonly counts = new Map<string, { count: number; at: number }>();

  constructor(
    private readonly halfLifeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  count(key: string): void {
    const now = this.now();
    if (this.counts.size >= MAX_KEYS) this.forgetFaded(now);
    this.counts.set(key, { count: this.at(key, now) + 1, at: now });
  }

  get(key: string): number {
    return this.at(key, this.now());
  }

  /** Keys held now (for tests and metrics). */
  get size(): number {
    return this.counts.size;
  }

  private at(key: string, now: number): number {
    const entry = this.counts.get(key);
    return entry ? entry.count * 0.5 ** ((now - entry.at) / this.halfLifeMs) : 0;
  }

  private forgetFaded(now: number): void {
    for (const key of this.counts.keys()) if (this.at(key, now) < FADED) this.counts.delete(key);
  }
}
