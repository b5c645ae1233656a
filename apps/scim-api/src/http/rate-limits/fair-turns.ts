/** How long a search waits for the other IdPs to be idle before it takes a turn anyway (no search starves on a busy server). */
export const SEARCH_MAX_YIELD_MS = 1000;

interface Waiter {
  readonly grant: () => void;
  readonly search: boolean;
  readonly since: number;
}

/**
 * At most `slots` requests at work at once, and one IdP never more than half of them (at least
 * one), so other IdPs always find room (bench:noisy: a hostile IdP at slots - 1 took B's p99 to 12×,
 * at half to 9×); the others wait in one queue per key (IdP), and keys take turns, so an IdP with
 * many requests waiting does not make another IdP's request wait behind all of them.
 *
 * A search (a request that may scan an IdP's users) starts only while no other IdP has a request
 * at work, or once it has waited {@link SEARCH_MAX_YIELD_MS}: a scan started beside another
 * IdP's request shares the database with it (PGlite runs one statement at a time), so another
 * tenant's lookups and writes run in the gaps between searches, never behind one started after them.
 */
export class FairTurns {
  private working = 0;
  private readonly workingPerKey = new Map<string, number>();
  private readonly maxPerKey: number;
  /** Insertion order is the order of turns: a key that was served goes to the back. */
  private readonly waiting = new Map<string, Waiter[]>();
  /** Searches paused between batches until no other key is at work ({@link othersIdle}). */
  private readonly pausedFor = new Set<{ readonly key: string; readonly resume: () => void }>();

  constructor(
    private readonly slots: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.maxPerKey = Math.max(1, Math.floor(slots / 2));
  }

  /** Resolves with the release function of a slot (call it once; extra calls do nothing). `search`: see the class comment. */
  take(key: string, search = false): Promise<() => void> {
    const since = this.now();
    if (!this.waiting.has(key) && this.canStart(key, { search, since })) return Promise.resolve(this.start(key));
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push({ grant: () => resolve(this.start(key)), search, since });
      this.waiting.set(key, queue);
      // Nothing else may end a turn before its yield is over (another IdP's request long at work).
      if (search) setTimeout(() => this.next(), SEARCH_MAX_YIELD_MS).unref();
    });
  }

  /**
   * Resolves once no key other than `key` has a request at work, or after `maxMs`: a search
   * that is read in batches waits here before each batch, so another IdP's request that started
   * during the search has the database to itself (PGlite runs one statement at a time) rather than
   * taking turns with the scan's batches.
   */
  othersIdle(key: string, maxMs: number): Promise<void> {
    if (this.working === (this.workingPerKey.get(key) ?? 0) || maxMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const paused = {
        key,
        resume: () => {
          clearTimeout(timer);
          this.pausedFor.delete(paused);
          resolve();
        },
      };
      const timer = setTimeout(paused.resume, maxMs);
      this.pausedFor.add(paused);
    });
  }

  /** Requests waiting for a turn (for tests and metrics). */
  get queued(): number {
    let count = 0;
    for (const queue of this.waiting.values()) count += queue.length;
    return count;
  }

  private canStart(key: string, waiter: Pick<Waiter, 'search' | 'since'>): boolean {
    const mine = this.workingPerKey.get(key) ?? 0;
    if (this.working >= this.slots || mine >= this.maxPerKey) return false;
    return !waiter.search || this.working === mine || this.now() - waiter.since >= SEARCH_MAX_YIELD_MS;
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
      for (const paused of this.pausedFor) if (this.working === (this.workingPerKey.get(paused.key) ?? 0)) paused.resume();
    };
  }

  private next(): void {
    let granted = true;
    while (granted && this.working < this.slots) {
      granted = false;
      for (const [key, queue] of this.waiting) {
        if (!this.canStart(key, queue[0])) continue;
        this.waiting.delete(key);
        const { grant } = queue.shift()!;
        if (queue.length > 0) this.waiting.set(key, queue);
        grant();
        granted = true;
        break;
      }
    }
  }
}
