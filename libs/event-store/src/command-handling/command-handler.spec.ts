import { ConcurrencyError } from '../concurrency.error';
import type { RecordedEvent } from '../event-store.port';
import { Command, CommandHandler, RevisionMismatchError } from './command-handler';
import type { CommandStore, CommittedWrite, StreamWrite } from './command-store.port';
import { ForeignEventError, TypedEvent } from './typed-stream';
import { ClaimTakenError, UniqueClaim } from './unique-claim';

type CounterEvent = { type: 'Added'; data: { by: number } };
const COUNTER = {
  initial: 0,
  evolve: (total: number, event: CounterEvent) => total + event.data.by,
  accepts: (event: TypedEvent): event is CounterEvent => event.type === 'Added',
};
const metadata = { occurredAt: '2026-01-01T00:00:00.000Z' };
const added = (by: number): CounterEvent => ({ type: 'Added', data: { by } });

/** Streams in memory; `beforeWrite` lets a test play a rival writer or refuse a claim. */
class MemoryStore implements CommandStore {
  readonly streams = new Map<string, RecordedEvent[]>();
  readonly writes: StreamWrite[] = [];
  beforeWrite: (write: StreamWrite) => void = () => undefined;

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    return [...(this.streams.get(streamId) ?? [])];
  }

  append(streamId: string, events: readonly TypedEvent[]): void {
    const stream = this.streams.get(streamId) ?? [];
    for (const event of events) {
      stream.push({ id: `${stream.length}`, ...event, metadata, streamId, revision: stream.length, position: stream.length + 1, recordedAt: new Date() });
    }
    this.streams.set(streamId, stream);
  }

  async write(write: StreamWrite): Promise<CommittedWrite> {
    this.writes.push(write);
    this.beforeWrite(write);
    const current = (this.streams.get(write.streamId)?.length ?? 0) - 1;
    if ((current < 0 ? 'noStream' : current) !== write.expected) throw new ConcurrencyError(write.streamId, write.expected, current < 0 ? 'noStream' : current);
    this.append(write.streamId, write.events);
    const revision = this.streams.get(write.streamId)!.length - 1;
    return { revision, position: revision + 1, readModel: 'projected' };
  }
}

function command(overrides: Partial<Command<number, CounterEvent>> = {}): Command<number, CounterEvent> {
  return {
    streamId: 'counter-1',
    holder: 'counter-1',
    model: COUNTER,
    decide: (total) => (total < 10 ? [added(1)] : []),
    record: (events) => events.map((e, i) => ({ id: `new-${i}`, type: e.type, data: e.data, metadata })),
    metadata,
    exists: () => true,
    ...overrides,
  };
}

describe('CommandHandler', () => {
  let store: MemoryStore;
  beforeEach(() => (store = new MemoryStore()));

  it('folds the typed stream, appends the decision at the loaded revision, runs the hooks in order and returns the state after', async () => {
    store.append('counter-1', [added(2), added(3)]);
    const hooks: string[] = [];
    const handler = new CommandHandler(store, [async (c) => void hooks.push(`first ${c.revision}`), async () => void hooks.push('second')]);
    const handled = await handler.handle(command());
    expect(handled).toMatchObject({ state: 6, revision: 2, appended: [{ type: 'Added', data: { by: 1 } }] });
    expect(handled.history).toHaveLength(2);
    expect(store.writes[0]).toMatchObject({ expected: 1, claim: [], release: [] });
    expect(hooks).toEqual(['first 2', 'second']);
  });

  it('appends nothing and runs no hook when the decision changes nothing', async () => {
    store.append('counter-1', [added(10)]);
    const hook = jest.fn();
    const handled = await new CommandHandler(store, [hook]).handle(command());
    expect(handled).toMatchObject({ state: 10, revision: 0, appended: [] });
    expect(store.writes).toHaveLength(0);
    expect(hook).not.toHaveBeenCalled();
  });

  it('decides again against a rival that appended first', async () => {
    let raced = false;
    store.beforeWrite = () => {
      if (!raced) store.append('counter-1', [added(5)]);
      raced = true;
    };
    const decide = jest.fn((total: number) => [added(total)]);
    const handled = await new CommandHandler(store).handle(command({ decide }));
    expect(decide.mock.calls.map(([total]) => total)).toEqual([0, 5]);
    expect(handled.state).toBe(10);
  });

  it('decides a new stream without reading it first, and reads it when the append finds it exists after all', async () => {
    const reads = jest.spyOn(store, 'readStream');
    const fresh = await new CommandHandler(store).handle(command({ streamId: 'counter-new', newStream: true }));
    expect(reads).not.toHaveBeenCalled();
    expect({ state: fresh.state, revision: fresh.revision, expected: store.writes[0].expected }).toEqual({ state: 1, revision: 0, expected: 'noStream' });

    store.append('counter-taken', [added(5)]);
    const decide = jest.fn((total: number) => [added(total)]);
    const taken = await new CommandHandler(store).handle(command({ streamId: 'counter-taken', newStream: true, decide }));
    expect(reads).toHaveBeenCalledTimes(1);
    expect(decide.mock.calls.map(([total]) => total)).toEqual([0, 5]);
    expect(taken.state).toBe(10);
  });

  it('gives up with the conflict after the bounded number of attempts', async () => {
    store.beforeWrite = () => store.append('counter-1', [added(1)]);
    await expect(new CommandHandler(store, [], 3).handle(command({ decide: () => [added(1)] }))).rejects.toBeInstanceOf(ConcurrencyError);
    expect(store.writes).toHaveLength(3);
  });

  it('answers a stale If-Match with RevisionMismatchError before deciding', async () => {
    store.append('counter-1', [added(1), added(1)]);
    const decide = jest.fn(() => [added(1)]);
    await expect(new CommandHandler(store).handle(command({ ifMatch: 0, decide }))).rejects.toMatchObject({ expected: 0, actual: 1 });
    expect(decide).not.toHaveBeenCalled();
  });

  it('ignores If-Match while the entity does not exist (the decision answers that)', async () => {
    await expect(new CommandHandler(store).handle(command({ ifMatch: 4, exists: () => false }))).resolves.toMatchObject({ state: 1 });
  });

  it('does not retry an If-Match write that lost a race: the client resolves it', async () => {
    store.append('counter-1', [added(1)]);
    store.beforeWrite = () => store.append('counter-1', [added(1)]);
    const error = await new CommandHandler(store).handle(command({ ifMatch: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionMismatchError);
    expect(error).toMatchObject({ expected: 0, actual: undefined });
    expect(store.writes).toHaveLength(1);
  });

  describe('claims', () => {
    const claim = (key: string): UniqueClaim => ({ key, reserved: { type: 'Reserved', data: {} }, released: { type: 'Released', data: {} } });
    const claims = () => ({ claim: [claim('name-a')], release: [claim('name-old')] });
    const takenBy = (holder: string) => (write: StreamWrite) => {
      if (write.takeOver.get('name-a') !== holder) throw new ClaimTakenError('name-a', holder, new Date(0));
    };

    it('passes what the change claims and releases to the store', async () => {
      await new CommandHandler(store).handle(command({ claims }));
      expect(store.writes[0]).toMatchObject({ holder: 'counter-1', claim: [{ key: 'name-a' }], release: [{ key: 'name-old' }] });
    });

    it('takes over a claim that the command judges stale, naming its holder', async () => {
      store.beforeWrite = takenBy('other');
      const onClaimTaken = jest.fn(async () => true);
      await expect(new CommandHandler(store).handle(command({ claims, onClaimTaken }))).resolves.toMatchObject({ state: 1 });
      expect(onClaimTaken).toHaveBeenCalledWith(expect.objectContaining({ holder: 'other', claimedAt: new Date(0) }), expect.objectContaining({ key: 'name-a' }));
      expect(store.writes[1].takeOver).toEqual(new Map([['name-a', 'other']]));
    });

    it('passes on the refusal of a claim that still binds', async () => {
      store.beforeWrite = takenBy('other');
      const refusal = new Error('taken');
      const onClaimTaken = jest.fn(async () => Promise.reject(refusal));
      await expect(new CommandHandler(store).handle(command({ claims, onClaimTaken }))).rejects.toBe(refusal);
      expect(store.writes).toHaveLength(1);
    });

    it('refuses with ClaimTakenError when the command has no stale-claim rule', async () => {
      store.beforeWrite = takenBy('other');
      await expect(new CommandHandler(store).handle(command({ claims }))).rejects.toBeInstanceOf(ClaimTakenError);
    });
  });

  it('refuses to fold a stream holding an event its model does not know', async () => {
    store.append('counter-1', [{ type: 'Renamed', data: {} }]);
    await expect(new CommandHandler(store).handle(command())).rejects.toBeInstanceOf(ForeignEventError);
  });

  it('runs writes to one stream one after another within the process', async () => {
    const handler = new CommandHandler(store);
    const results = await Promise.all(Array.from({ length: 5 }, () => handler.handle(command())));
    expect(results.map((r) => r.state)).toEqual([1, 2, 3, 4, 5]);
    expect(store.writes.map((w) => w.expected)).toEqual(['noStream', 0, 1, 2, 3]);
  });
});
