import type { Logger } from 'pino';
import type { JournalStore } from './journal-store';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface JournalPrunerOptions {
  /** JOURNAL_RETENTION_DAYS. */
  readonly retentionDays: number;
  /** Between two rounds. */
  readonly everyMs?: number;
  /** Rows per DELETE: short statements that never hold PGlite's one thread (or a PostgreSQL lock) for long. */
  readonly batch?: number;
  /** Between two batches of one round, so SCIM requests get the database in between. */
  readonly pauseMs?: number;
}

/** Deletes entries older than the retention period in the background: a first round soon after start, then one per `everyMs`. */
export class JournalPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly store: JournalStore,
    private readonly options: JournalPrunerOptions,
    private readonly logger: Logger,
  ) {}

  start(firstAfterMs = 60_000): void {
    this.later(firstAfterMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: batches until no entry is older than the retention period (or stopped); returns how many were deleted. */
  async prune(now = Date.now()): Promise<number> {
    const before = new Date(now - this.options.retentionDays * DAY_MS);
    const batch = this.options.batch ?? 1_000;
    let deleted = 0;
    for (;;) {
      const n = await this.store.pruneBefore(before, batch);
      deleted += n;
      if (n < batch || this.stopped) return deleted;
      await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs ?? 50));
    }
  }

  private later(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.prune()
        .then((deleted) => {
          if (deleted > 0) this.logger.info({ deleted, retentionDays: this.options.retentionDays }, 'request journal pruned');
          return deleted;
        })
        .catch((error) => {
          this.logger.warn({ err: error }, 'request journal pruning failed; the next round retries');
          return 0;
        })
        .finally(() => this.later(this.options.everyMs ?? 60 * 60 * 1000));
    }, delayMs);
    this.timer.unref();
  }
}
