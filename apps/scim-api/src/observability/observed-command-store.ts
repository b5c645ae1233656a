import type { CommandStore } from '@app/event-store/command-handling/command-store.port';
import { ClaimTakenError } from '@app/event-store/command-handling/unique-claim';
import { ConcurrencyError } from '@app/event-store/concurrency.error';
import type { AppendOutcome, ServiceMetrics } from '@app/platform/metrics/service-metrics';

/** The command store, with each write's time and outcome observed: a conflict is the handler's retry or a 409, not a failure. */
export function observedCommandStore(store: CommandStore, metrics: ServiceMetrics): CommandStore {
  return {
    readStream: (streamId) => store.readStream(streamId),
    write: async (write) => {
      const started = performance.now();
      let outcome: AppendOutcome = 'failed';
      try {
        const committed = await store.write(write);
        outcome = 'committed';
        return committed;
      } catch (error) {
        if (error instanceof ConcurrencyError || error instanceof ClaimTakenError) outcome = 'conflict';
        throw error;
      } finally {
        metrics.observeAppend(outcome, (performance.now() - started) / 1000);
      }
    },
  };
}
