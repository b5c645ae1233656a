/** Keys beyond this many are evicted least recently used first, whatever their state. */
const MAX_KEYS = 100_000;
/** Most a key may owe after {@link TokenBuckets.charge}, in seconds of refill. */
const MAX_DEBT_SECONDS = 60;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * One token bucket per key: `ratePerSecond` refills it, it holds `burstSeconds` of that rate. Buckets
 * that have refilled to full are forgotten (a new one starts full, so nothing changes), which keeps
 * the map as small as the set of keys busy in the last `burstSeconds`.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private lastSweep: number;

  constructor(
    private readonly ratePerSecond: number,
    burstSeconds: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, ratePerSecond * burstSeconds);
    this.lastSweep = now();
  }

  /**
   * Takes `cost` tokens for `key` (at most a full bucket, so any single cost can pass); undefined
   * when it had them, else the seconds until it will.
   */
  take(key: string, cost = 1): number | undefined {
    const needed = Math.min(cost, this.capacity);
    const bucket = this.refilled(key);
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return undefined;
    }
    return (needed - bucket.tokens) / this.ratePerSecond;
  }

  /**
   * Takes a token for `key` now, or books the next one to come: the seconds until it comes (0: it
   * was there). Tokens booked ahead are a queue served at the bucket's rate, so requests that came
   * together start spaced out.
   */
  reserve(key: string): number {
    const bucket = this.refilled(key);
    const waitSeconds = Math.max(0, (1 - bucket.tokens) / this.ratePerSecond);
    bucket.tokens -= 1;
    return waitSeconds;
  }

  /**
   * Takes `cost` tokens for `key` whether it has them or not, for work whose cost is known only
   * once done: the key then owes them (at most MAX_DEBT_SECONDS of refill) and take() waits until
   * they are paid back.
   */
  charge(key: string, cost: number): void {
    const bucket = this.refilled(key);
    bucket.tokens = Math.max(-MAX_DEBT_SECONDS * this.ratePerSecond, bucket.tokens - cost);
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedAt: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond);
    bucket.updatedAt = now;
    // Re-inserted so that the map's order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_KEYS) this.buckets.delete(this.buckets.keys().next().value as string);
    return bucket;
  }

  /** Keys held now (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    const refillMs = (this.capacity / this.ratePerSecond) * 1000;
    if (now - this.lastSweep < refillMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      // A bucket in debt is kept until it has paid it back and refilled.
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond >= this.capacity) this.buckets.delete(key);
    }
  }
}
