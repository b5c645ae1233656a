/** How long a search, or a heavy IdP's request, waits for the other IdPs to be idle before it takes a turn anyway (nothing starves on a busy server). */
export const SEARCH_MAX_YIELD_MS = 1000;
/** An IdP whose share of the work was less than this, in about the last second, is light; from this on, heavy (see {@link FairTurns}). */
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
 * A light IdP may take one slot more than half while it has no other request waiting: a paced
 * client such as Entra, whose next request comes while the last one is slowed by another tenant's
 * load, then works beside it instead of waiting behind it, which is how one slow request made the
 * next one slow as well (bench:noisy, tenant B's turn wait: p99 0.04 → 13 ms under attack). An IdP
 * that keeps its slots busy, or has several requests waiting, stays at half. Light is a share of
 * the work, in about the last second: each moment at work counts for an IdP as its part of the
 * requests at work then, so another IdP's load, which makes every request take longer, does not
 * make a paced IdP heavy (counted as plain time at work, tenant B's own 50 requests/s crossed the
 * line under a write attack and it lost its extra slot: its turn wait rose to p99 61 ms). The
 * shares add up to at most a second a second, so of IdPs working side by side only the one with
 * most of the work can be heavy.
 *
 * A search (a request that may scan an IdP's users), and any request of a heavy IdP, starts only
 * while no other IdP has a request at work, or once it has waited {@link SEARCH_MAX_YIELD_MS}: a
 * request started beside another IdP's shares the database with it (PGlite runs one statement at a
 * time), so another tenant's lookups and writes run in the gaps between a heavy tenant's requests,
 * each meeting at most the one already at work, never one started after them. bench:noisy, a tenant
 * writing new users at its rate limit (each about 5 ms of PGlite's thread) beside tenant B's Entra
 * cycle, two pairs against plain time at work and no yield: B's p50 41–43 → 16–20 ms, p99 125–144
 * → 54–79 ms (undisturbed 10–11 and 22–41 ms), and the heavy tenant still got about 90 % as many
 * writes through, in the gaps.
 */
export class FairTurns {
  private working = 0;
  private readonly workingPerKey = new Map<string, number>();
  /** Per key: its share of the work, decayed to `at` ({@link WORK_MEMORY_MS}); keys at work have it up to {@link sharedAt}. */
  private readonly work = new Map<string, { doneMs: number; at: number }>();
  private sharedAt = 0;
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
      setTimeout(() => this.next(), SEARCH_MAX_YIELD_MS).unref();
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
    const light = this.isLight(key);
    if (mine >= this.maxPerKey && !(mine === this.maxPerKey && alone && light)) return false;
    if (this.now() - waiter.since >= SEARCH_MAX_YIELD_MS) return true;
    return (!waiter.search && light) || this.working === mine;
  }

  private isLight(key: string): boolean {
    const now = this.now();
    this.share(now);
    return this.workMs(key, now) < LIGHT_WORK_MS;
  }

  /** The key's share of the work in about the last second, as of the last {@link share}. */
  private workMs(key: string, now: number): number {
    const work = this.work.get(key);
    return work ? work.doneMs * Math.exp((work.at - now) / WORK_MEMORY_MS) : 0;
  }

  /** Gives each key at work its part of the time since the last call: its requests at work over all requests at work. */
  private share(now: number): void {
    const elapsed = now - this.sharedAt;
    this.sharedAt = now;
    if (elapsed <= 0 || this.working === 0) return;
    for (const [key, mine] of this.workingPerKey) {
      const work = this.work.get(key)!;
      work.doneMs = this.workMs(key, now) + (elapsed * mine) / this.working;
      work.at = now;
    }
  }

  private start(key: string): () => void {
    const startedAt = this.now();
    this.share(startedAt);
    this.working += 1;
    this.workingPerKey.set(key, (this.workingPerKey.get(key) ?? 0) + 1);
    if (!this.work.has(key)) this.work.set(key, { doneMs: 0, at: startedAt });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = this.now();
      this.share(now);
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
    for (const key of this.work.keys()) if (!this.workingPerKey.has(key) && this.workMs(key, now) < 1) this.work.delete(key);
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
