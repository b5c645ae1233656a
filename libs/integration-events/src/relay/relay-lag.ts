import type { EventStore } from '@app/event-store/event-store.port';
import { isPublished } from '../contracts/user-lifecycle.v1';

/** Published events counted ahead of the checkpoint at most; beyond it the lag shows as this figure. */
const WINDOW = 10_000;
const SCAN_BATCH = 200;

/**
 * The relay's lag, kept current by reading only what was appended since the last look: the user
 * events after the checkpoint (position and time), oldest first, up to a window.
 */
export class RelayLag {
  private pending: { readonly position: number; readonly recordedAt: number }[] = [];
  /** Highest log position looked at. */
  private scanned = 0;
  private acknowledgedUpTo = 0;

  constructor(
    private readonly log: EventStore,
    private readonly window = WINDOW,
  ) {}

  get checkpoint(): number {
    return this.acknowledgedUpTo;
  }

  /** User events in the log after the checkpoint (at most the window). */
  get events(): number {
    return this.pending.length;
  }

  /** Age of the oldest of them, now. */
  seconds(now = Date.now()): number {
    return this.pending.length > 0 ? Math.round((now - this.pending[0].recordedAt) / 1000) : 0;
  }

  /** The checkpoint moved: what is at or before it is no longer lag. */
  acknowledged(position: number): void {
    if (position <= this.acknowledgedUpTo) return;
    this.acknowledgedUpTo = position;
    const firstLeft = this.pending.findIndex((e) => e.position > position);
    this.pending = firstLeft < 0 ? [] : this.pending.slice(firstLeft);
    this.scanned = Math.max(this.scanned, position);
  }

  /** Reads what was appended since the last look, until the log's end or the window is full. */
  async refresh(): Promise<void> {
    while (this.pending.length < this.window) {
      const batch = await this.log.readAll(this.scanned, Math.min(SCAN_BATCH, this.window - this.pending.length));
      // The checkpoint may have moved during the read: keep only what is still ahead of what was seen.
      const fresh = batch.filter((e) => e.position > this.scanned);
      if (fresh.length === 0) return;
      for (const e of fresh) if (isPublished(e)) this.pending.push({ position: e.position, recordedAt: e.recordedAt.getTime() });
      this.scanned = fresh[fresh.length - 1].position;
    }
  }
}
