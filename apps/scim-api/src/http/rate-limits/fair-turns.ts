/**
 * At most `slots` requests at work at once, and one IdP never more than half of them (at least
 * one), so other IdPs always find room (bench:noisy: a hostile IdP at slots - 1 took B's p99 to 12×,
 * at half to 9×); the others wait in one queue per key (IdP), and keys take turns, so an IdP with
 * many requests waiting does not make another IdP's request wait behind all of them.
 */
export class FairTurns {
  private working = 0;
  private readonly workingPerKey = new Map<string, number>();
  private readonly maxPerKey: number;
  /** Insertion order is the order of turns: a key that was served goes to the back. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly slots: number) {
    this.maxPerKey = Math.max(1, Math.floor(slots / 2));
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
    let granted = true;
    while (granted && this.working < this.slots) {
      granted = false;
      for (const [key, queue] of this.waiting) {
        if (!this.canStart(key)) continue;
        this.waiting.delete(key);
        const grant = queue.shift()!;
        if (queue.length > 0) this.waiting.set(key, queue);
        grant();
        granted = true;
        break;
      }
    }
  }
}
