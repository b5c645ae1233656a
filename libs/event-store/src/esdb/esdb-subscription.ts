import { type AllStreamSubscription, type EventStoreDBClient, excludeSystemEvents } from '@eventstore/db-client';
import { setTimeout as delay } from 'node:timers/promises';
import type { CatchUpOptions, EventHandler, Unsubscribe } from '../event-store.port';
import { isSystemEvent, toEsdbPosition, toPortPosition, toRecorded } from './esdb-events';

/**
 * Delivers the global log after `fromPosition` (0 = from the start), then live events, in order, one at
 * a time. When the connection drops or the handler throws, it subscribes again after the last event the
 * handler finished, so nothing is skipped and nothing handled is delivered twice (a failed event is
 * delivered again). EventStoreDB subscriptions start after the position given, which is what resuming needs.
 */
export function subscribeToAll(client: EventStoreDBClient, fromPosition: number, onEvent: EventHandler, options: CatchUpOptions = {}): Unsubscribe {
  const retryDelayMs = options.retryDelayMs ?? 250;
  let handled = fromPosition;
  let stopped = false;
  let current: AllStreamSubscription | undefined;

  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        current = client.subscribeToAll({ fromPosition: toEsdbPosition(handled), filter: excludeSystemEvents() });
        for await (const { event } of current) {
          if (stopped) break;
          if (!event || isSystemEvent(event) || toPortPosition(event.position) <= handled) continue;
          await onEvent(toRecorded(event));
          handled = toPortPosition(event.position);
        }
      } catch (error) {
        if (!stopped) options.onDrop?.(error);
      }
      await current?.unsubscribe().catch(() => undefined);
      if (!stopped) await delay(retryDelayMs);
    }
  };
  const running = run();

  return async () => {
    stopped = true;
    await current?.unsubscribe();
    await running;
  };
}
