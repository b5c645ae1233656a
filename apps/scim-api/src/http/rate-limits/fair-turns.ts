import { RecentCounts } from './recent-counts';

/** How fast an IdP's turns are forgotten when choosing who goes next. */
const TURNS_HALF_LIFE_MS = 1000;

/**
 * At most `slots` requests at work at once, and one IdP never more than half of them (at least
 * one), so with two slots or more other IdPs always find room (bench:noisy: a hostile IdP at
 * slots - 1 took B's p99 to 12×, at half to 9×); the others wait in one queue per key (IdP). When a
 * slot frees, the waiting IdP that was granted the fewest turns lately (a count halving every
 * second) goes next, so an IdP that sends many requests waits behind one that sends few. Counted
 * in turns, not time: rationing by time held made a tenant slowed by its neighbour look heavier
 * than the neighbour.
 */
export class FairTurns {
  private working = 0;
  private readonly workingPerKey = new Map<string, number>();
  private readonly maxPerKey: number;
  /** Among keys granted as few turns lately, insertion order decides: a key that was served goes to the back. */
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly turnsGranted: RecentCounts;

  constructor(
    private readonly slots: number,
    now?: () => number,
  ) {
    this.maxPerKey = Math.max(1, Math.floor(slots / 2));
    this.turnsGranted = new RecentCounts(TURNS_HALF_LIFE_MS, now);
  }

  /** Resolves with the release function of a slot (call it once; extra calls do nothing). */
  take(key: string): Promise<() => void> {
    if (!this.waiting.has(key) && this.canStart(key)) return Promise.resolve(this.start(key));
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(() => resolve(this.start(key)));
      this.waiting.set(key, queue);
    });
  }

  /** Requests waiting for a turn (for tests and metrics). */
  get queued(): number {
    let count = 0;
    for (const queue of this.waiting.values()) count += queue.length;
    return count;
  }

  private canStart(key: string): boolean {
    return this.working < this.slots && (this.workingPerKey.get(key) ?? 0) < this.maxPerKey;
  }

  private start(key: string): () => void {
    this.turnsGranted.count(key);
    this.working += 1;
    this.workingPerKey.set(key, (this.workingPerKey.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.working -= 1;
      const left = (this.workingPerKey.get(key) ?? 1) - 1;
      if (left > 0) this.workingPerKey.set(key, left);
      else this.workingPerKey.delete(key);
      this.next();
    };
  }

  private next(): void {
    for (let key = this.nextKey(); key !== undefined; key = this.nextKey()) {
      const queue = this.waiting.get(key)!;
      this.waiting.delete(key);
      const grant = queue.shift()!;
      if (queue.length > 0) this.waiting.set(key, queue);
      grant();
    }
  }

  /** The waiting key that may start and was granted the fewest turns lately; undefined when none may start. */
  private nextKey(): string | undefined {
    if (this.working >= this.slots) return undefined;
    let next: string | undefined;
    let fewest = Number.POSITIVE_INFINITY;
    for (const key of this.waiting.keys()) {
      if (!this.canStart(key)) continue;
      const turns = this.turnsGranted.get(key);
      if (turns < fewest) [next, fewest] = [key, turns];
    }
    return next;
  }
}
