import { appendInTransaction } from '@app/event-store/postgres/postgres-event-store.adapter';
import type { NewEvent, RecordedEvent } from '@app/event-store/event-store.port';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { contractTargets, type OpenTarget } from './contract-targets';

// The log's promise to its readers (the projector, the Kafka relay): whatever appenders do at once, readAll never
// shows an event behind one already read. The PostgreSQL adapter keeps it with its log-head lock; appends without
// that lock (positions from a sequence or from transaction ids) must pass this first.
const { targets } = contractTargets();

/** One appender's appends: how many events each, and how long its transaction stays open after it (SQL stores). */
const appenderArbitrary = fc.array(fc.record({ events: fc.integer({ min: 1, max: 3 }), holdMs: fc.integer({ min: 0, max: 15 }) }), { minLength: 1, maxLength: 6 });
const scheduleArbitrary = fc.array(appenderArbitrary, { minLength: 2, maxLength: 6 });
type Schedule = readonly (readonly { readonly events: number; readonly holdMs: number }[])[];

const READ_PAGE = 7;
const CATCH_UP_MS = 20_000;

const newEvent = (): NewEvent => ({ id: randomUUID(), type: 'ContractTested', data: {}, metadata: { occurredAt: new Date().toISOString() } });

describe.each(targets)('Concurrent appenders on $name', (target) => {
  let opened: OpenTarget;
  beforeAll(async () => {
    opened = await target.open();
  }, 180_000);
  afterAll(async () => opened?.close());

  /** The log's last position now: where a run starts reading. */
  async function end(): Promise<number> {
    let after = 0;
    for (let page = await opened.store.readAll(after, 1000); page.length > 0; page = await opened.store.readAll(after, 1000)) after = page[page.length - 1].position;
    return after;
  }

  /** An append whose transaction, on a SQL store, stays open `holdMs` after it: a late commit of an early position. */
  async function append(streamId: string, events: NewEvent[], holdMs: number): Promise<void> {
    const { db } = opened;
    if (!db) {
      await opened.store.appendToStream(streamId, events, 'any');
      return;
    }
    await db.transaction(async (tx) => {
      await appendInTransaction(tx, streamId, events, 'any');
      await delay(holdMs);
    });
  }

  async function run(schedule: Schedule): Promise<void> {
    const from = await end();
    const appended = new Set<string>();
    const observed: RecordedEvent[] = [];
    let after = from;
    const appenders = Promise.all(
      schedule.map(async (appends) => {
        const streamId = `concurrent-${randomUUID()}`;
        for (const { events, holdMs } of appends) {
          const batch = Array.from({ length: events }, newEvent);
          batch.forEach((event) => appended.add(event.id));
          await append(streamId, batch, holdMs);
        }
      }),
    );
    let finished = false;
    void appenders.then(() => (finished = true), () => (finished = true));
    const deadline = Date.now() + CATCH_UP_MS;
    // The reader pages on from the last position it saw, as a subscription does, until it has seen every append.
    while (!(finished && observed.length >= appended.size) && Date.now() < deadline) {
      const page = await opened.store.readAll(after, READ_PAGE);
      observed.push(...page);
      if (page.length > 0) after = page[page.length - 1].position;
      else await delay(1);
    }
    await appenders;

    const log: RecordedEvent[] = [];
    for (let page = await opened.store.readAll(from, 1000); page.length > 0; page = await opened.store.readAll(log[log.length - 1].position, 1000)) log.push(...page);
    // Every event the log holds now was met by the reader in the same order: none appeared behind a position it had passed.
    expect(observed.map((e) => e.id)).toEqual(log.map((e) => e.id));
    expect(new Set(observed.map((e) => e.id))).toEqual(appended);
    for (let i = 1; i < observed.length; i++) expect(observed[i].position).toBeGreaterThan(observed[i - 1].position);
    // Within a stream, positions follow revisions: what a relay publishes per key stays in stream order.
    const byStream = new Map<string, number[]>();
    for (const event of observed) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event.revision]);
    for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, i) => i));
  }

  it('never lets a reader of readAll see a gap filled later or a reordering', async () => {
    await fc.assert(fc.asyncProperty(scheduleArbitrary, run), { numRuns: 15 });
  }, 300_000);
});
