/** How long a search waits for the other IdPs to be idle before it takes a turn anyway (no search starves on a busy server). */
export const SEARCH_MAX_YIELD_MS = 1000;
/** An IdP whose requests worked less than this, in about the last second, is light (see {@link FairTurns}). */
export const LIGHT_WORK_MS = 500;
/** The time constant over which an IdP's work is remembered (decaying exponentially). */
const WORK_MEMORY_MS = 1000;
const FORGET_EVERY_MS = 10_000;

interface Waiter {
  readonly grant: () => void;
  readonly search: boolean;
  readonly since: number;
}

/**
 * At most `slots` requests at work at once, and one IdP no more than half of them (at least one;
 * a light IdP one more, see below), so other IdPs always find room (bench:noisy: a hostile IdP at slots - 1 took B's p99 to 12×,
 * at half to 9×); the others wait in one queue per key (IdP), and keys take turns, so an IdP with
 * many requests waiting does not make another IdP's request wait behind all of them.
 *
 * A light IdP (its requests worked less than {@link LIGHT_WORK_MS} in about the last second, the
 * ones at work counted too) may take one slot more than half while it has no other request
 * waiting: a paced client such as Entra, whose next request comes while the last one is slowed by
 * another tenant's load, then works beside it instead of waiting behind it, which is how one slow
 * request made the next one slow as well (bench:noisy, tenant B's turn wait: p99 0.04 → 13 ms under
 * attack). An IdP that keeps its slots busy, or has several requests waiting, stays at half.
 *
 * A search (a request that may scan an IdP's users) starts only while no other IdP has a request
 * at work, or once it has waited {@link SEARCH_MAX_YIELD_MS}: a scan started beside another
 * IdP's request shares the database with it (PGlite runs one statement at a time), so another
 * tenant's lookups and writes run in the gaps between searches, never behind one started after them.
 */
export class FairTurns {
  private working = 0;
  private readonly workingPerKey = new Map<string, number>();
  /** Per key: its finished work, decayed to `at` ({@link WORK_MEMORY_MS}), and the start times of its requests at work, summed. */
  private readonly work = new Map<string, { doneMs: number; at: number; startedSum: number }>();
  private lastForgotAt = 0;
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
    if (!this.waiting.has(key) && this.canStart(key, { search, since }, true)) return Promise.resolve(this.start(key));
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

  /** `alone`: no other request of this key is waiting. */
  private canStart(key: string, waiter: Pick<Waiter, 'search' | 'since'>, alone: boolean): boolean {
    const mine = this.workingPerKey.get(key) ?? 0;
    if (this.working >= this.slots) return false;
    if (mine >= this.maxPerKey && !(mine === this.maxPerKey && alone && this.workMs(key) < LIGHT_WORK_MS)) return false;
    return !waiter.search || this.working === mine || this.now() - waiter.since >= SEARCH_MAX_YIELD_MS;
  }

  /** The key's work in about the last second: finished work, decayed, plus how long its requests at work have been at it. */
  private workMs(key: string): number {
    const work = this.work.get(key);
    if (!work) return 0;
    const now = this.now();
    return work.doneMs * Math.exp((work.at - now) / WORK_MEMORY_MS) + (this.workingPerKey.get(key) ?? 0) * now - work.startedSum;
  }

  private start(key: string): () => void {
    const startedAt = this.now();
    this.working += 1;
    this.workingPerKey.set(key, (this.workingPerKey.get(key) ?? 0) + 1);
    const work = this.work.get(key) ?? { doneMs: 0, at: startedAt, startedSum: 0 };
    work.startedSum += startedAt;
    this.work.set(key, work);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = this.now();
      work.doneMs = work.doneMs * Math.exp((work.at - now) / WORK_MEMORY_MS) + (now - startedAt);
      work.at = now;
      work.startedSum -= startedAt;
      this.working -= 1;
      const left = (this.workingPerKey.get(key) ?? 1) - 1;
      if (left > 0) this.workingPerKey.set(key, left);
      else this.workingPerKey.delete(key);
      this.forgetIdleWork(now);
      this.next();
      for (const paused of this.pausedFor) if (this.working === (this.workingPerKey.get(paused.key) ?? 0)) paused.resume();
    };
  }

  /** Drops the work of keys with nothing at work whose remembered work has decayed to nothing (every FORGET_EVERY_MS), so the map holds only the keys busy lately. */
  private forgetIdleWork(now: number): void {
    if (now - this.lastForgotAt < FORGET_EVERY_MS) return;
    this.lastForgotAt = now;
    for (const [key, work] of this.work) {
      if (!this.workingPerKey.has(key) && work.doneMs * Math.exp((work.at - now) / WORK_MEMORY_MS) < 1) this.work.delete(key);
    }
  }

  private next(): void {
    let granted = true;
    while (granted && this.working < this.slots) {
      granted = false;
      for (const [key, queue] of this.waiting) {
        if (!this.canStart(key, queue[0], queue.length === 1)) continue;
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
