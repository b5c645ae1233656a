import { setTimeout as delay } from 'node:timers/promises';
import type { CatchUpOptions, EventHandler, RecordedEvent, Unsubscribe } from '../event-store.port';

const BATCH = 500;

/**
 * A catch-up subscription over a log that can only be read: it pages through `readAll` from
 * `fromPosition` and then polls for new events. The PostgreSQL adapter's readAll never shows an
 * event while an older appender may still commit, so a later poll never finds one behind those delivered.
 */
export function pollAll(
  readAll: (afterPosition: number, maxCount: number) => Promise<RecordedEvent[]>,
  fromPosition: number,
  onEvent: EventHandler,
  options: CatchUpOptions & { readonly intervalMs?: number } = {},
): Unsubscribe {
  let handled = fromPosition;
  let stopped = false;
  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        const batch = await readAll(handled, BATCH);
        for (const event of batch) {
          if (stopped) return;
          await onEvent(event);
          handled = event.position;
        }
        if (batch.length < BATCH) await delay(options.intervalMs ?? 100);
      } catch (error) {
        if (stopped) return;
        options.onDrop?.(error);
        await delay(options.retryDelayMs ?? 250);
      }
    }
  };
  const running = run();
  return async () => {
    stopped = true;
    await running;
  };
}
