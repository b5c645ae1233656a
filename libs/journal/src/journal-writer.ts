import type { Logger } from 'pino';
import type { JournalEntry } from './journal-entry';

/** Where batches go: one statement each (JournalStore.append). */
export interface JournalSink {
  append(entries: readonly JournalEntry[]): Promise<void>;
}

export interface JournalWriterOptions {
  /** JOURNAL_QUEUE_CAPACITY: entries waiting; beyond it new ones are dropped. */
  readonly capacity: number;
  /**
   * Rows per INSERT (25 by default): a SCIM statement queued behind one waits for all of it. On
   * PGlite, 100 rows took 5–6 ms (up to 10), 20 rows about 1.3 ms; the statement's own cost, about
   * 0.5 ms, is paid four times as often at 25, a small price beside that wait.
   */
  readonly batchSize?: number;
  /**
   * How long entries gather before a flush: fewer, larger statements for the database (PGlite's one
   * thread). An INSERT costs PGlite about 0.5 ms plus 0.1–0.2 ms a row, so at Entra's rates a flush
   * every 200 ms takes about 1 % of that thread.
   */
  readonly flushDelayMs?: number;
  /** Least time between two warnings about drops. */
  readonly warnEveryMs?: number;
}

/**
 * The journal's write side: `record` never waits and never throws. Entries wait in a bounded queue
 * and go to the database in batches, one batch at a time, in the background. A full queue or a
 * failed batch drops entries and counts them (`dropped`), with a warning at most every few seconds.
 */
export class JournalWriter {
  /** Entries lost since start: a full queue, a failed batch, or recorded after close. */
  dropped = 0;
  /** Entries written since start. */
  written = 0;
  private queue: JournalEntry[] = [];
  /** Queued entries per share (see shareOf), so no share takes the whole queue. */
  private readonly queuedByShare = new Map<string, number>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private droppedSinceWarning = 0;
  private lastWarningAt = 0;
  private warningTimer: NodeJS.Timeout | undefined;
  /** Why the last entries were dropped, for the warning: never a value, only the error's class and SQLSTATE. */
  private lastReason: { reason: string; error?: string } = { reason: '' };
  private readonly batchSize: number;
  private readonly flushDelayMs: number;
  private readonly warnEveryMs: number;

  constructor(
    private readonly sink: JournalSink,
    private readonly options: JournalWriterOptions,
    private readonly logger: Logger,
  ) {
    this.batchSize = options.batchSize ?? 25;
    this.flushDelayMs = options.flushDelayMs ?? 200;
    this.warnEveryMs = options.warnEveryMs ?? 5_000;
  }

  /** Entries waiting to be written. */
  get queued(): number {
    return this.queue.length;
  }

  record(entry: JournalEntry): void {
    if (this.closed || this.queue.length >= this.options.capacity) return this.drop(1, this.closed ? 'closed' : 'queue full');
    const share = shareOf(entry);
    const queued = this.queuedByShare.get(share) ?? 0;
    // A share's own entries count twice: one flooding tenant (or a flood of refused callers) holds at most
    // half the queue, two at most a third each, and there is always room left for everyone else's.
    if (this.queue.length + queued >= this.options.capacity) return this.drop(1, 'share of queue full');
    this.queuedByShare.set(share, queued + 1);
    this.queue.push(entry);
    this.schedule();
  }

  /** Writes what is queued (flushes in turn until the queue is empty), then refuses more. */
  async close(): Promise<void> {
    // A response that finished just before the server closed may still have its entry on the way (onResponse runs after 'finish').
    await new Promise((resolve) => setImmediate(resolve));
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    while (this.queue.length > 0) await this.flush();
    clearTimeout(this.warningTimer);
    this.warnNow();
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    const delay = this.queue.length >= this.batchSize ? 0 : this.flushDelayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0 && !this.closed) this.schedule();
      });
    }, delay);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.batchSize);
    for (const entry of batch) {
      const share = shareOf(entry);
      const left = (this.queuedByShare.get(share) ?? 1) - 1;
      if (left > 0) this.queuedByShare.set(share, left);
      else this.queuedByShare.delete(share);
    }
    try {
      await this.sink.append(batch);
      this.written += batch.length;
    } catch (error) {
      this.drop(batch.length, 'database', error);
    }
  }

  private drop(count: number, reason: string, error?: unknown): void {
    this.dropped += count;
    this.droppedSinceWarning += count;
    this.lastReason = { reason, error: error instanceof Error ? [error.name, (error as { code?: string }).code].filter(Boolean).join(' ') : undefined };
    const wait = this.lastWarningAt + this.warnEveryMs - Date.now();
    if (wait <= 0) return this.warnNow();
    if (this.warningTimer) return;
    this.warningTimer = setTimeout(() => {
      this.warningTimer = undefined;
      this.warnNow();
    }, wait);
    this.warningTimer.unref();
  }

  private warnNow(): void {
    if (this.droppedSinceWarning === 0) return;
    this.logger.warn({ droppedEntries: this.droppedSinceWarning, droppedTotal: this.dropped, ...this.lastReason }, 'request journal dropped entries');
    this.droppedSinceWarning = 0;
    this.lastWarningAt = Date.now();
  }
}

/** Whose entry it is for fairness: the authenticated IdP's, or one share for every refused caller (whatever tenant id it made up). */
function shareOf(entry: JournalEntry): string {
  return entry.tokenId === null ? '' : `idp:${entry.providerId}`;
}
