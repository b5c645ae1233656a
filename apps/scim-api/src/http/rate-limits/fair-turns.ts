/**
 * At most `slots` requests at work at once; the others wait in one queue per key (IdP), and keys
 * take turns, so an IdP with many requests waiting does not make another IdP's request wait
 * behind all of them.
 */
export class FairTurns {
  private working = 0;
  /** Insertion order is the order of turns: a key that was served goes to the back. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly slots: number) {}

  /** Resolves with the release function of a slot (call it once; extra calls do nothing). */
  take(key: string): Promise<() => void> {
    if (this.working < this.slots && this.waiting.size === 0) {
      this.working += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(() => resolve(this.releaser()));
      this.waiting.set(key, queue);
    });
  }

  /** Requests waiting for a turn (for tests and metrics). */
  get queued(): number {
    let count = 0;
    for (const queue of this.waiting.values()) count += queue.length;
    return count;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.working -= 1;
      this.next();
    };
  }

  private next(): void {
    while (this.working < this.slots) {
      const first = this.waiting.entries().next();
      if (first.done) return;
      const [key, queue] = first.value;
      this.waiting.delete(key);
      const grant = queue.shift()!;
      if (queue.length > 0) this.waiting.set(key, queue);
      this.working += 1;
      grant();
    }
  }
}
