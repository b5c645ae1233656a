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
import type { IntegrationEventPublisher } from '../publisher.port';
import { IntegrationEventRelay } from './integration-event-relay';
import { SqlRelayCheckpoint } from './relay-checkpoint';
import { RELAY_MIGRATIONS } from './relay.migrations';

const silent = pino({ level: 'silent' });

class RecordingPublisher implements IntegrationEventPublisher {
  readonly sent: IntegrationMessage[] = [];
  attempts = 0;
  constructor(public failing = false) {}
  async prepare(): Promise<void> {}
  async publish(messages: readonly IntegrationMessage[]): Promise<void> {
    this.attempts += 1;
    if (this.failing) throw new Error('broker unreachable');
    this.sent.push(...messages);
  }
  async close(): Promise<void> {}
}

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

  async function provision(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const userId = randomUUID();
      const [event] = decideProvision({ status: 'absent' }, { providerId: 'p', userId, attributes: { userName: `u${i}@x` } });
      await events.appendToStream(StreamIds.user('p', userId), [{ id: randomUUID(), ...event, metadata: { occurredAt: new Date().toISOString() } }], 'noStream');
      // Internal events are in the log too; they are neither published nor counted as lag.
      await events.appendToStream(`username-p-${randomUUID()}`, [{ id: randomUUID(), type: 'UniqueValueReserved', data: {}, metadata: { occurredAt: '' } }], 'noStream');
    }
  }

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
    expect(await checkpoint.load()).toBe(10);
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
});
