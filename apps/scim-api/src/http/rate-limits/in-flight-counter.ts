/** Requests being served per key, at most `limit` each; a key with none is forgotten. */
export class InFlightCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** A release function when `key` had room (call it exactly once per request; extra calls do nothing), else undefined. */
  tryAcquire(key: string): (() => void) | undefined {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.limit) return undefined;
    this.counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    };
  }

  inFlight(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Keys with a request in flight (for tests and metrics). */
  get size(): number {
    return this.counts.size;
  }
}
