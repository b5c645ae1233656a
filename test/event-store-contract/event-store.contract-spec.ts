import { randomBytes, randomUUID } from 'node:crypto';
import { ConcurrencyError } from '@app/event-store/concurrency.error';
import { checkAgainstModel } from './contract-model';
import { contractTargets, type OpenTarget } from './contract-targets';
import type { EventMetadata, ExpectedRevision, NewEvent, RecordedEvent } from '@app/event-store/event-store.port';
import { eventually } from '@app/testing/eventually';

// One contract for every EventStore adapter: the same cases, whichever store is behind the port.
const { targets, skipped } = contractTargets();
process.stdout.write(`\n${[...targets.map((t) => `EventStore contract runs on: ${t.name}`), ...skipped].join('\n')}\n`);

const newEvent = (data: unknown = { n: randomUUID() }, metadata: Partial<EventMetadata> = {}): NewEvent => ({
  id: randomUUID(),
  type: 'ContractTested',
  data,
  metadata: { occurredAt: new Date().toISOString(), ...metadata },
});
const newEvents = (count: number): NewEvent[] => Array.from({ length: count }, () => newEvent());
const newStreamId = (label: string): string => `contract-${label}-${randomUUID()}`;


describe.each(targets)('EventStore contract on $name', (target) => {
  let opened: OpenTarget;
  /** The first event this suite appended, before any other: on a fresh store, the first of the log. */
  let firstAppended: NewEvent;
  const store = () => opened.store;

  beforeAll(async () => {
    opened = await target.open();
    firstAppended = newEvent();
    await opened.store.appendToStream(newStreamId('first'), [firstAppended], 'noStream');
  }, 180_000);
  afterAll(async () => opened?.close());

  describe('appending with an expected revision', () => {
    it.each<{ existing: number; expected: ExpectedRevision; outcome: { revision: number } | { actual: number | 'noStream' } }>([
      { existing: 0, expected: 'noStream', outcome: { revision: 0 } },
      { existing: 2, expected: 'noStream', outcome: { actual: 1 } },
      { existing: 2, expected: 1, outcome: { revision: 2 } },
      { existing: 2, expected: 0, outcome: { actual: 1 } },
      { existing: 2, expected: 5, outcome: { actual: 1 } },
      { existing: 0, expected: 0, outcome: { actual: 'noStream' } },
      { existing: 0, expected: 'any', outcome: { revision: 0 } },
      { existing: 2, expected: 'any', outcome: { revision: 2 } },
    ])('expecting $expected of a stream with $existing events gives $outcome', async ({ existing, expected, outcome }) => {
      const streamId = newStreamId('matrix');
      if (existing > 0) await store().appendToStream(streamId, newEvents(existing), 'noStream');
      const result = await store().appendToStream(streamId, [newEvent()], expected).catch((error: unknown) => error);
      if ('revision' in outcome) {
        expect(result).toMatchObject(outcome);
      } else {
        expect(result).toBeInstanceOf(ConcurrencyError);
        expect(result).toMatchObject({ name: 'ConcurrencyError', streamId, expected, actual: outcome.actual });
        expect(await store().readStream(streamId)).toHaveLength(existing);
      }
    });

    it('names the stream, the expectation and the actual revision in ConcurrencyError', async () => {
      const streamId = newStreamId('error');
      await store().appendToStream(streamId, newEvents(2), 'noStream');
      const error = await store().appendToStream(streamId, [newEvent()], 0).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ streamId, expected: 0, actual: 1, message: `Stream ${streamId} expected at 0 but is at 1` });
    });

    it('answers the revision and global position of the last event appended', async () => {
      const streamId = newStreamId('result');
      const { position: start } = await store().appendToStream(newStreamId('result-start'), [newEvent()], 'noStream');
      const result = await store().appendToStream(streamId, newEvents(3), 'noStream');
      const recorded = await store().readStream(streamId);
      const inLog = await store().readAll(start, 3);
      expect(result).toEqual({ revision: 2, position: recorded[2].position });
      expect(inLog.map((e) => e.position)).toEqual(recorded.map((e) => e.position));
    });

    it('returns the first outcome when the same event ids are appended again, and appends nothing', async () => {
      const streamId = newStreamId('idempotent');
      const single = [newEvent()];
      const batch = newEvents(3);
      const first = await store().appendToStream(streamId, single, 'noStream');
      const second = await store().appendToStream(streamId, batch, 0);
      await store().appendToStream(streamId, [newEvent()], 3);
      await expect(store().appendToStream(streamId, single, 'noStream')).resolves.toEqual(first);
      await expect(store().appendToStream(streamId, batch, 0)).resolves.toEqual(second);
      expect((await store().readStream(streamId)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    });

    it('lets exactly one of several concurrent appenders win each revision', async () => {
      const streamId = newStreamId('contended');
      await store().appendToStream(streamId, [newEvent()], 'noStream');
      for (let revision = 0; revision < 4; revision++) {
        const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => store().appendToStream(streamId, [newEvent()], revision)));
        const won = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
        const lost = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason] : []));
        expect(won.map((r) => r.revision)).toEqual([revision + 1]);
        for (const error of lost) expect(error).toMatchObject({ name: 'ConcurrencyError', actual: revision + 1 });
      }
      const recorded = await store().readStream(streamId);
      expect(recorded.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
      expect(new Set(recorded.map((e) => e.id)).size).toBe(5);
    });

    it('lets exactly one of several concurrent creators of a reservation stream win', async () => {
      const streamId = newStreamId('reservation');
      const attempts = await Promise.allSettled(Array.from({ length: 10 }, () => store().appendToStream(streamId, [newEvent()], 'noStream')));
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toMatchObject({ name: 'ConcurrencyError', expected: 'noStream', actual: 0 });
      expect(await store().readStream(streamId)).toHaveLength(1);
    });

    it('behaves like the model of the port for random sequences of appends and retries', async () => {
      await checkAgainstModel(store(), 12);
    });
  });

  describe('reading', () => {
    it('reads a stream in revision order, and a missing stream as empty', async () => {
      const streamId = newStreamId('ordered');
      const appended = newEvents(5);
      await store().appendToStream(streamId, appended.slice(0, 2), 'noStream');
      await store().appendToStream(streamId, appended.slice(2), 1);
      const recorded = await store().readStream(streamId);
      expect(recorded.map((e) => [e.id, e.revision, e.streamId])).toEqual(appended.map((e, i) => [e.id, i, streamId]));
      expect(await store().readStream(newStreamId('missing'))).toEqual([]);
    });

    it('orders the global log across streams and pages through it without gaps or repeats', async () => {
      const streams = [newStreamId('log-a'), newStreamId('log-b'), newStreamId('log-c')];
      const { position: start } = await store().appendToStream(newStreamId('log-start'), [newEvent()], 'noStream');
      const appended: string[] = [];
      for (let i = 0; i < 12; i++) {
        const events = newEvents(i % 4 === 0 ? 2 : 1);
        await store().appendToStream(streams[i % 3], events, 'any');
        appended.push(...events.map((e) => e.id));
      }
      const whole = await store().readAll(start, 1_000);
      expect(whole.filter((e) => streams.includes(e.streamId)).map((e) => e.id)).toEqual(appended);
      expectIncreasing(whole.map((e) => e.position));
      expect(whole[0].position).toBeGreaterThan(start);
      const paged: RecordedEvent[] = [];
      for (let after = start, page = await store().readAll(after, 5); page.length > 0; page = await store().readAll(after, 5)) {
        expect(page.length).toBeLessThanOrEqual(5);
        paged.push(...page);
        after = page[page.length - 1].position;
      }
      expect(paged.slice(0, whole.length).map((e) => e.id)).toEqual(whole.map((e) => e.id));
      expectIncreasing(paged.map((e) => e.position));
    });

    it('reads the log from the start when asked for position 0', async () => {
      const [first] = await store().readAll(0, 1);
      expect(first.position).toBeGreaterThan(0);
      // A server given by EVENTSTORE_CONNECTION_STRING may hold older events; every other target starts empty.
      if (target.fresh) expect(first.id).toBe(firstAppended.id);
      expect(await store().readAll(first.position, 1)).not.toContainEqual(first);
    });

    it('knows the position of the newest event, as readAll reaches it', async () => {
      const streamId = newStreamId('head');
      const { position } = await store().appendToStream(streamId, newEvents(2), 'noStream');
      expect(await store().headPosition()).toBe(position);
      const tail = await store().readAll(position - 1, 10);
      expect(tail.map((e) => e.position)).toEqual([position]);
      expect(await store().readAll(await store().headPosition(), 10)).toEqual([]);
    });

    it('keeps data and metadata JSON as written: unicode, nesting, escapes', async () => {
      const streamId = newStreamId('json');
      const data = {
        displayName: 'Zoë Ångström-Łukasiewicz 李小龍 شريف',
        'key with spaces & ü': ['👩🏽‍💻', '🚀', 'e\u0301', 'שלום'],
        nested: { list: [1, 2.5, -3, 1e21, true, false, null, { deep: [[], {}] }], empty: {} },
        escapes: 'quote " backslash \\ newline \n tab \t slash /',
      };
      const metadata: Partial<EventMetadata> = {
        correlationId: randomUUID(),
        causationId: randomUUID(),
        actor: { kind: 'idp-token', providerId: 'entra-1', tokenId: randomUUID(), name: 'Entra ID' },
        clientAddress: '203.0.113.7',
        scimOperation: { method: 'PATCH', path: '/Users/1', body: { Operations: [{ op: 'Replace', path: 'name.givenName', value: 'Zoë' }] } },
        droppedAttributes: ['urn:example:custom:attr'],
      };
      const event = newEvent(data, metadata);
      const { position: start } = await store().appendToStream(newStreamId('json-start'), [newEvent()], 'noStream');
      const { position } = await store().appendToStream(streamId, [event], 'noStream');
      const [read] = await store().readStream(streamId);
      const [inLog] = await store().readAll(start, 1);
      for (const recorded of [read, inLog]) {
        expect(recorded).toMatchObject({ id: event.id, type: event.type, data, metadata: event.metadata, streamId, revision: 0, position });
        expect(recorded.recordedAt).toBeInstanceOf(Date);
        expect(Math.abs(recorded.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
      }
    });

    it('keeps a large event (256 KiB) whole', async () => {
      const streamId = newStreamId('large');
      const data = { blob: randomBytes(192 * 1024).toString('base64'), tail: 'end' };
      await store().appendToStream(streamId, [newEvent(data), newEvent()], 'noStream');
      const [read] = await store().readStream(streamId);
      expect(read.data).toEqual(data);
    });

    it('keeps 200 streams apart', async () => {
      const { position: start } = await store().appendToStream(newStreamId('many-start'), [newEvent()], 'noStream');
      const streams = Array.from({ length: 200 }, (_, i) => newStreamId(`many-${i}`));
      for (let i = 0; i < streams.length; i += 25) {
        await Promise.all(streams.slice(i, i + 25).map((s) => store().appendToStream(s, newEvents(2), 'noStream')));
      }
      const reads = await Promise.all(streams.map((s) => store().readStream(s)));
      expect(reads.every((events, i) => events.length === 2 && events.every((e) => e.streamId === streams[i]))).toBe(true);
      const inLog = (await store().readAll(start, 1_000)).filter((e) => streams.includes(e.streamId));
      expect(inLog).toHaveLength(400);
    });
  });

  describe('subscribing to the global log', () => {
    it('catches up, goes live, and resumes after a checkpoint', async () => {
      const streamId = newStreamId('subscribed');
      const { position: start } = await store().appendToStream(streamId, [newEvent()], 'noStream');
      await store().appendToStream(streamId, newEvents(2), 0);
      const seen: RecordedEvent[] = [];
      const unsubscribe = opened.store.subscribeToAll(start, (e) => void (e.streamId === streamId && seen.push(e)));
      await eventually(() => expect(seen.map((e) => e.revision)).toEqual([1, 2]));
      await store().appendToStream(streamId, [newEvent()], 2);
      await eventually(() => expect(seen.map((e) => e.revision)).toEqual([1, 2, 3]));
      await unsubscribe();
      expect(seen).toEqual(await store().readAll(start, 3));

      const checkpoint = seen[1].position;
      await store().appendToStream(streamId, [newEvent()], 3);
      const resumed: number[] = [];
      const again = opened.store.subscribeToAll(checkpoint, (e) => void (e.streamId === streamId && resumed.push(e.revision)));
      await eventually(() => expect(resumed).toEqual([3, 4]));
      await again();
    });
  });
});

function expectIncreasing(positions: readonly number[]): void {
  for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]);
}
