import type { CommandStore, StreamWrite } from '@app/event-store/command-handling/command-store.port';
import { ClaimTakenError } from '@app/event-store/command-handling/unique-claim';
import { ConcurrencyError } from '@app/event-store/concurrency.error';
import { AppendOutcome, ServiceMetrics } from '@app/platform/metrics/service-metrics';
import { observedCommandStore } from './observed-command-store';

describe('observedCommandStore', () => {
  const write = {} as StreamWrite;
  const observed = (outcome: () => Promise<never> | Promise<unknown>) => {
    const seen: AppendOutcome[] = [];
    const metrics = { observeAppend: (o: AppendOutcome) => seen.push(o) } as unknown as ServiceMetrics;
    const store = { readStream: async () => [], write: outcome } as unknown as CommandStore;
    return { store: observedCommandStore(store, metrics), seen };
  };

  it('observes a committed write and passes its result on', async () => {
    const { store, seen } = observed(async () => ({ revision: 0, position: 7, readModel: 'projected' }));
    await expect(store.write(write)).resolves.toEqual({ revision: 0, position: 7, readModel: 'projected' });
    expect(seen).toEqual(['committed']);
  });

  it.each([
    ['a stale revision', new ConcurrencyError('user-p-1', 0, 1)],
    ['a taken claim', new ClaimTakenError('username-p-ada', 'other', new Date())],
  ])('observes %s as a conflict, and rethrows it', async (_, error) => {
    const { store, seen } = observed(async () => Promise.reject(error));
    await expect(store.write(write)).rejects.toBe(error);
    expect(seen).toEqual(['conflict']);
  });

  it('observes any other error as failed', async () => {
    const error = new Error('connection lost');
    const { store, seen } = observed(async () => Promise.reject(error));
    await expect(store.write(write)).rejects.toBe(error);
    expect(seen).toEqual(['failed']);
  });
});
