import { EVENT_LOG_MIGRATIONS } from '@app/event-store/postgres/event-log.migrations';
import { PostgresEventStore } from '@app/event-store/postgres/postgres-event-store.adapter';
import { decideProvision } from '@app/identity/user/user.decide';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { migrate } from '@app/platform/database/migrations';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { eventually } from '@app/testing/eventually';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { IntegrationMessage } from '../contracts/user-lifecycle.v1';
import { WITHHELD_HEADER } from '../contracts/withheld-notice.v1';
import { recordBatchBytes } from '../kafka/kafka-record-size';
import { IntegrationEventPublisher, MessageRefusedError } from '../publisher.port';
import { IntegrationEventRelay } from './integration-event-relay';
import { SqlRelayCheckpoint } from './relay-checkpoint';
import { SqlRelayDeadLetters } from './relay-dead-letters';
import { RELAY_MIGRATIONS } from './relay.migrations';

const silent = pino({ level: 'silent' });

/** A broker in memory: `refuse` says which error, if any, it answers a message with; a refused call takes nothing. */
class RecordingPublisher implements IntegrationEventPublisher {
  readonly sent: IntegrationMessage[] = [];
  attempts = 0;
  refuse: (m: IntegrationMessage) => MessageRefusedError | undefined = () => undefined;
  /** Set to hold every send until it is resolved (a broker that hangs). */
  hold?: Promise<void>;
  constructor(
    public failing = false,
    readonly maxMessageBytes = 1_000_000,
  ) {}
  sizeOf(message: IntegrationMessage): number {
    return recordBatchBytes([message]);
  }
  async prepare(): Promise<void> {}
  async publish(messages: readonly IntegrationMessage[]): Promise<void> {
    this.attempts += 1;
    await this.hold;
    if (this.failing) throw new Error('broker unreachable');
    const refusal = messages.map((m) => this.refuse(m)).find(Boolean);
    if (refusal) throw refusal;
    this.sent.push(...messages);
  }
  async close(): Promise<void> {}
}

const isNotice = (m: IntegrationMessage) => WITHHELD_HEADER in m.headers;
const valueOf = (m: IntegrationMessage) => JSON.parse(m.value);

describe('IntegrationEventRelay over the PostgreSQL event log (PGlite)', () => {
  let db: PgliteDatabase;
  let events: PostgresEventStore;

  beforeEach(async () => {
    db = await PgliteDatabase.open();
    await migrate(db, EVENT_LOG_MIGRATIONS);
    await migrate(db, RELAY_MIGRATIONS);
    events = new PostgresEventStore(db);
  });
  afterEach(async () => db.close());

  /** One user per call, with a reservation event (internal: neither published nor counted as lag) after it. */
  async function provision(count: number, displayName = 'Ada'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const userId = randomUUID();
      const [event] = decideProvision({ status: 'absent' }, { providerId: 'p', userId, attributes: { userName: `u${i}@x`, displayName } });
      await events.appendToStream(StreamIds.user('p', userId), [{ id: randomUUID(), ...event, metadata: { occurredAt: new Date().toISOString() } }], 'noStream');
      await events.appendToStream(`username-p-${randomUUID()}`, [{ id: randomUUID(), type: 'UniqueValueReserved', data: {}, metadata: { occurredAt: '' } }], 'noStream');
      ids.push(userId);
    }
    return ids;
  }

  /** The log position of the n-th event appended (from 1): positions increase but need not be consecutive. */
  async function positionAt(n: number): Promise<number> {
    return (await events.readAll(0, n))[n - 1].position;
  }

  const relayOver = (publisher: RecordingPublisher) =>
    new IntegrationEventRelay(events, publisher, new SqlRelayCheckpoint(db, 'kafka:test'), silent, {
      maxBackoffMs: 50,
      deadLetters: new SqlRelayDeadLetters(db, 'kafka:test'),
    });

  it('moves its checkpoint only after the publisher acknowledged, and counts lag in user events', async () => {
    await provision(5);
    const publisher = new RecordingPublisher(true);
    const checkpoint = new SqlRelayCheckpoint(db, 'kafka:test');
    const relay = new IntegrationEventRelay(events, publisher, checkpoint, silent, { maxBackoffMs: 50 });
    relay.start();
    await eventually(() => expect(relay.current.lagEvents).toBe(5));
    expect(await checkpoint.load()).toBe(0);
    publisher.failing = false;
    await eventually(() => expect(publisher.sent).toHaveLength(5));
    await eventually(() => expect(relay.current.lastError).toBeUndefined());
    await relay.stop();
    expect(await checkpoint.load()).toBe(await positionAt(10));
  });

  it('keeps backing off while the broker is down, however many writes notify it', async () => {
    await provision(1);
    const publisher = new RecordingPublisher(true);
    const relay = new IntegrationEventRelay(events, publisher, new SqlRelayCheckpoint(db, 'kafka:test'), silent);
    relay.start();
    const notifier = setInterval(() => relay.notify(), 5);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    clearInterval(notifier);
    await relay.stop();
    // Backoff 500 ms, then 1 s: three attempts at most in 1.5 s, not hundreds.
    expect(publisher.attempts).toBeLessThanOrEqual(3);
  });

  it('lets only the lease holder publish when two relays share a checkpoint', async () => {
    await provision(20);
    const first = new RecordingPublisher();
    const second = new RecordingPublisher();
    const relays = [first, second].map((p) => new IntegrationEventRelay(events, p, new SqlRelayCheckpoint(db, 'kafka:test'), silent));
    relays.forEach((r) => r.start());
    await eventually(() => expect(first.sent.length + second.sent.length).toBe(20));
    await Promise.all(relays.map((r) => r.stop()));
    expect([first.sent.length, second.sent.length].sort()).toEqual([0, 20]);
  });

  it('hands its lease over on a stop: the next relay publishes at once, not after the lease runs out', async () => {
    await provision(1);
    const first = new RecordingPublisher();
    const relay = new IntegrationEventRelay(events, first, new SqlRelayCheckpoint(db, 'kafka:test'), silent);
    relay.start();
    await eventually(() => expect(first.sent).toHaveLength(1));
    await relay.stop();

    await provision(2);
    const next = new RecordingPublisher();
    const successor = new IntegrationEventRelay(events, next, new SqlRelayCheckpoint(db, 'kafka:test'), silent);
    const started = Date.now();
    successor.start();
    await eventually(() => expect(next.sent).toHaveLength(2));
    await successor.stop();
    // The lease is 30 s: well within it.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  /** A relay that published one event and then idles for a minute: only a flush can publish what follows before a stop. */
  async function idleRelayAfterOneEvent() {
    await provision(1);
    const publisher = new RecordingPublisher();
    const checkpoint = new SqlRelayCheckpoint(db, 'kafka:test');
    const relay = new IntegrationEventRelay(events, publisher, checkpoint, silent, { idleMs: 60_000 });
    relay.start();
    await eventually(() => expect(publisher.sent).toHaveLength(1));
    return { publisher, checkpoint, relay };
  }

  it('on a stop with flushWithinMs, publishes what was written since its last poll before it stops', async () => {
    const { publisher, checkpoint, relay } = await idleRelayAfterOneEvent();
    await provision(3);
    await relay.stop({ flushWithinMs: 5_000 });
    expect(publisher.sent).toHaveLength(4);
    expect(await checkpoint.load()).toBe(await positionAt(8));
  });

  it('on a stop with flushWithinMs, gives up on a broker that hangs when the time is up, keeping the checkpoint', async () => {
    const { publisher, checkpoint, relay } = await idleRelayAfterOneEvent();
    publisher.hold = new Promise(() => undefined);
    await provision(2);
    const stopping = Date.now();
    await relay.stop({ flushWithinMs: 300 });
    expect(Date.now() - stopping).toBeLessThan(2_000);
    expect(publisher.sent).toHaveLength(1);
    expect(await checkpoint.load()).toBe(await positionAt(2));
  });

  it('on a stop with flushWithinMs, gives up on a send already in flight to a broker that hangs, keeping the checkpoint and the lease', async () => {
    await provision(1);
    const publisher = new RecordingPublisher();
    publisher.hold = new Promise(() => undefined);
    const checkpoint = new SqlRelayCheckpoint(db, 'kafka:test');
    const relay = relayOver(publisher);
    relay.start();
    await eventually(() => expect(publisher.attempts).toBe(1));
    const stopping = Date.now();
    await relay.stop({ flushWithinMs: 300 });
    expect(Date.now() - stopping).toBeLessThan(2_000);
    expect(publisher.sent).toHaveLength(0);
    expect(await checkpoint.load()).toBe(0);
    // The send may still land: another relay must wait for the lease to run out rather than publish beside it.
    expect(await new SqlRelayCheckpoint(db, 'kafka:test').acquire()).toBe(false);
  });

  it('reports lag as it is now, even while a send hangs', async () => {
    await provision(2);
    const publisher = new RecordingPublisher();
    let release: () => void = () => undefined;
    publisher.hold = new Promise((resolve) => (release = resolve));
    const relay = relayOver(publisher);
    relay.start();
    await eventually(() => expect(publisher.attempts).toBe(1));
    await eventually(() => expect(relay.current.lagEvents).toBe(2), 5_000);
    // Written while the relay waits on the broker: counted at once, not at its next measurement.
    await provision(3);
    await eventually(() => expect(relay.current.lagEvents).toBe(5), 5_000);
    release();
    await eventually(() => expect(publisher.sent).toHaveLength(5));
    const last = await positionAt(10);
    await eventually(() => expect(relay.current).toMatchObject({ lagEvents: 0, lagSeconds: 0, checkpoint: last }), 5_000);
    await relay.stop();
  });

  it('publishes a withheld notice in place of an event over its size limit, in log order, without asking the broker', async () => {
    const [before] = await provision(1);
    const [big] = await provision(1, 'x'.repeat(5_000));
    const [after] = await provision(1);
    const publisher = new RecordingPublisher(false, 4_096);
    publisher.refuse = (m) => (publisher.sizeOf(m) > 4_096 ? new MessageRefusedError('MESSAGE_TOO_LARGE', true, 0) : undefined);
    const relay = relayOver(publisher);
    relay.start();
    const last = await positionAt(6);
    await eventually(() => expect(relay.current.checkpoint).toBe(last));
    await relay.stop();
    expect(publisher.attempts).toBe(1);
    expect(publisher.sent.map((m) => valueOf(m).userId)).toEqual([before, big, after]);
    const notice = publisher.sent[1];
    expect(notice.headers).toMatchObject({ [WITHHELD_HEADER]: 'too-large', ce_type: 'com.traffitech.scim.user.UserProvisioned.v1' });
    // Replay takes positions after an exclusive bound: the one just before the event's own brings it back.
    const position = await positionAt(3);
    expect(valueOf(notice)).toMatchObject({ userId: big, logPosition: position, withheld: { reason: 'too-large', limit: 4_096, replayAfter: position - 1 } });
    expect(valueOf(notice).withheld.bytes).toBeGreaterThan(5_000);
    expect(valueOf(notice)).not.toHaveProperty('attributes');
    expect(relay.current).toMatchObject({ withheld: 1, deadLetters: 0, published: 3 });
  });

  it('isolates a message the broker refuses: the rest of its batch is resent once, alone, and only the refused one is replaced', async () => {
    const users = [...(await provision(2)), ...(await provision(1, 'x'.repeat(5_000))), ...(await provision(2))];
    const publisher = new RecordingPublisher();
    // The topic's own limit is smaller than the relay's: only the broker knows.
    publisher.refuse = (m) => (publisher.sizeOf(m) > 4_096 ? new MessageRefusedError('MESSAGE_TOO_LARGE', true, 0) : undefined);
    const relay = relayOver(publisher);
    relay.start();
    const last = await positionAt(10);
    await eventually(() => expect(relay.current.checkpoint).toBe(last));
    await relay.stop();
    // One refused batch, then each message alone, the refused one followed by its notice.
    expect(publisher.attempts).toBe(1 + 5 + 1);
    expect(publisher.sent.map((m) => valueOf(m).userId)).toEqual(users);
    expect(publisher.sent.filter(isNotice).map((m) => valueOf(m))).toEqual([
      expect.objectContaining({ userId: users[2], withheld: expect.objectContaining({ reason: 'too-large', brokerError: 'MESSAGE_TOO_LARGE' }) }),
    ]);
    expect(relay.current).toMatchObject({ withheld: 1, deadLetters: 0 });
  });

  it('records a dead letter when even the notice is refused, and moves on', async () => {
    const [first, victim, last] = await provision(3);
    const publisher = new RecordingPublisher();
    publisher.refuse = (m) => (m.key === `p:${victim}` ? new MessageRefusedError('INVALID_RECORD', true, 0) : undefined);
    const relay = relayOver(publisher);
    relay.start();
    const lastPosition = await positionAt(6);
    await eventually(() => expect(relay.current.checkpoint).toBe(lastPosition));
    await relay.stop();
    expect(publisher.sent.map((m) => valueOf(m).userId)).toEqual([first, last]);
    expect(relay.current).toMatchObject({ withheld: 0, deadLetters: 1 });
    const rows = await db.query('SELECT relay, log_position, event_type, message_key, reason FROM relay_dead_letters');
    expect(rows).toEqual([{ relay: 'kafka:test', log_position: await positionAt(3), event_type: 'com.traffitech.scim.user.UserProvisioned.v1', message_key: `p:${victim}`, reason: 'INVALID_RECORD' }]);
    // A relay started later reports it too: the count is the table's, not the process's.
    const later = relayOver(new RecordingPublisher());
    later.start();
    await eventually(() => expect(later.current.deadLetters).toBe(1));
    await later.stop();
  });

  it('records a dead letter without asking the broker when even the notice is over its limit', async () => {
    await provision(1, 'x'.repeat(2_000));
    // A notice takes some 650 bytes (headers, ids, SCIM path): 500 admits neither it nor the event.
    const publisher = new RecordingPublisher(false, 500);
    const relay = relayOver(publisher);
    relay.start();
    const last = await positionAt(2);
    await eventually(() => expect(relay.current.checkpoint).toBe(last));
    await relay.stop();
    expect(publisher.attempts).toBe(1);
    expect(publisher.sent).toEqual([]);
    expect(await db.query('SELECT log_position, reason FROM relay_dead_letters')).toEqual([{ log_position: await positionAt(1), reason: 'KAFKA_MAX_MESSAGE_BYTES' }]);
    expect(relay.current).toMatchObject({ deadLetters: 1, withheld: 0 });
  });

  it('retries, never withholds, when the broker refuses the sender rather than the records (authorization)', async () => {
    await provision(2);
    const publisher = new RecordingPublisher();
    publisher.refuse = () => new MessageRefusedError('TOPIC_AUTHORIZATION_FAILED', false, 0);
    const relay = relayOver(publisher);
    relay.start();
    await eventually(() => expect(relay.current.lastError).toContain('TOPIC_AUTHORIZATION_FAILED'));
    await eventually(() => expect(publisher.attempts).toBeGreaterThan(6));
    expect(relay.current).toMatchObject({ checkpoint: 0, lagEvents: 2, withheld: 0, deadLetters: 0 });
    publisher.refuse = () => undefined;
    const last = await positionAt(4);
    await eventually(() => expect(relay.current.checkpoint).toBe(last));
    await relay.stop();
    expect(publisher.sent.filter(isNotice)).toEqual([]);
  });
});
