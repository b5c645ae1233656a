import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { type EsdbTestDouble, startEsdbTestDouble } from '../../../../test/esdb-test-double/esdb-streams-test-double';
import { ConcurrencyError } from '../concurrency.error';
import type { NewEvent, RecordedEvent } from '../event-store.port';
import { EsdbEventStore } from './esdb-event-store.adapter';
import { eventually } from '@app/testing/eventually';

// What the shared contract suite cannot show: the mapping of the client's wire answers (both append
// RPCs), and what happens when the server goes away and comes back.
const newEvent = (type = 'Tested'): NewEvent => ({ id: randomUUID(), type, data: { n: randomUUID() }, metadata: { occurredAt: new Date().toISOString() } });
const stream = (): string => `esdb-${randomUUID()}`;


describe.each([
  { rpc: 'batchAppend' as const, batchAppend: true },
  { rpc: 'append' as const, batchAppend: false },
])('EsdbEventStore appending through $rpc', ({ rpc, batchAppend }) => {
  let double: EsdbTestDouble;
  let store: EsdbEventStore;

  beforeAll(async () => {
    double = await startEsdbTestDouble({ batchAppend });
    store = EsdbEventStore.fromConnectionString(double.connectionString, { retryDelayMs: 25 });
  });
  afterAll(async () => {
    await store.close();
    await double.stop();
  });

  it(`appends through ${rpc}, as the client chooses from the server's features`, async () => {
    await store.appendToStream(stream(), [newEvent()], 'noStream');
    expect(double.calls[rpc]).toBeGreaterThan(0);
    expect(double.calls[rpc === 'append' ? 'batchAppend' : 'append']).toBe(0);
  });

  it('turns a wrong expected version into ConcurrencyError with what was expected and what is there', async () => {
    const id = stream();
    await expect(store.appendToStream(id, [newEvent()], 0)).rejects.toEqual(new ConcurrencyError(id, 0, 'noStream'));
    await store.appendToStream(id, [newEvent(), newEvent()], 'noStream');
    await expect(store.appendToStream(id, [newEvent()], 'noStream')).rejects.toMatchObject({ streamId: id, expected: 'noStream', actual: 1 });
    await expect(store.appendToStream(id, [newEvent()], 5)).rejects.toMatchObject({ streamId: id, expected: 5, actual: 1 });
  });

  it('answers a repeated append with the first outcome, whatever was appended since', async () => {
    const id = stream();
    const batch = [newEvent(), newEvent()];
    const first = await store.appendToStream(id, batch, 'noStream');
    await store.appendToStream(id, [newEvent()], 1);
    await expect(store.appendToStream(id, batch, 'noStream')).resolves.toEqual(first);
    expect(await store.readStream(id)).toHaveLength(3);
  });

  it('reports the position of the last event of a batch, not where the write began', async () => {
    const id = stream();
    const result = await store.appendToStream(id, [newEvent(), newEvent(), newEvent()], 'noStream');
    const events = await store.readStream(id);
    expect(result).toEqual({ revision: 2, position: events[2].position });
    expect(events[0].position).toBeLessThan(events[2].position);
  });

  it('leaves out system events in readAll, also when whole pages are system events', async () => {
    const id = stream();
    const { position: start } = await store.appendToStream(id, [newEvent()], 'noStream');
    for (let i = 0; i < 7; i++) double.log.appendSystemEvent(`$stats-${i}`, '$statsCollected');
    await store.appendToStream(id, [newEvent()], 0);
    const page = await store.readAll(start, 2);
    expect(page.map((e) => [e.streamId, e.revision])).toEqual([[id, 1]]);
  });

  it('appends again once the server is back after a crash', async () => {
    const id = stream();
    await store.appendToStream(id, [newEvent()], 'noStream');
    await double.kill();
    await double.restart();
    await expect(store.appendToStream(id, [newEvent()], 0)).resolves.toMatchObject({ revision: 1 });
  });

  it('retries an append across a restart and applies it once', async () => {
    const id = stream();
    await double.kill();
    const patient = EsdbEventStore.fromConnectionString(double.connectionString, { attempts: 8, retryDelayMs: 50 });
    const pending = patient.appendToStream(id, [newEvent()], 'noStream');
    await delay(150);
    await double.restart();
    await expect(pending).resolves.toMatchObject({ revision: 0 });
    expect(await store.readStream(id)).toHaveLength(1);
    await patient.close();
  });

  it('gives up with the client error when the server stays away', async () => {
    await double.kill();
    const impatient = EsdbEventStore.fromConnectionString(double.connectionString, { attempts: 2, retryDelayMs: 10 });
    await expect(impatient.appendToStream(stream(), [newEvent()], 'any')).rejects.toMatchObject({ code: status.UNAVAILABLE });
    await impatient.close();
    await double.restart();
  });
});

describe('EsdbEventStore subscription to the global log', () => {
  let double: EsdbTestDouble;
  let store: EsdbEventStore;

  beforeAll(async () => {
    double = await startEsdbTestDouble();
    store = EsdbEventStore.fromConnectionString(double.connectionString, { retryDelayMs: 25 });
  });
  afterAll(async () => {
    await store.close();
    await double.stop();
  });

  it('resumes after a server restart without gaps or repeats', async () => {
    const id = stream();
    const seen: RecordedEvent[] = [];
    const drops: unknown[] = [];
    const { position: start } = await store.appendToStream(id, [newEvent()], 'noStream');
    const unsubscribe = store.subscribeToAll(start, (e) => void seen.push(e), { retryDelayMs: 50, onDrop: (e) => drops.push(e) });
    await store.appendToStream(id, [newEvent(), newEvent()], 0);
    await eventually(() => expect(seen).toHaveLength(2));
    await double.kill();
    await double.restart();
    await store.appendToStream(id, [newEvent()], 2);
    await store.appendToStream(id, [newEvent()], 3);
    await eventually(() => expect(seen.map((e) => e.revision)).toEqual([1, 2, 3, 4]));
    expect(drops.length).toBeGreaterThan(0);
    await unsubscribe();
  });

  it('delivers an event again when the handler failed on it, and skips nothing', async () => {
    const id = stream();
    const { position: start } = await store.appendToStream(id, [newEvent()], 'noStream');
    await store.appendToStream(id, [newEvent(), newEvent()], 0);
    const handled: number[] = [];
    let failures = 0;
    const unsubscribe = store.subscribeToAll(start, (e) => {
      if (e.revision === 2 && failures++ === 0) throw new Error('handler failed once');
      handled.push(e.revision);
    }, { retryDelayMs: 10 });
    await eventually(() => expect(handled).toEqual([1, 2]));
    await unsubscribe();
  });
});
