import { migrate } from '@app/platform/database/migrations';
import { PgDatabase } from '@app/platform/database/pg-database';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import type { SqlDatabase } from '@app/platform/database/sql-database';
import { storageTargets } from '@app/testing/postgres-target';
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../event-store.port';
import { EVENT_LOG_MIGRATIONS } from './event-log.migrations';
import { PostgresEventStore } from './postgres-event-store.adapter';

// What only the SQL adapter promises beyond the port's contract (test/event-store-contract): an
// append at a stream's revision moves the stream in its first statement, and must put it back when
// that statement stores no event.
const targets = storageTargets().filter((t) => t.name !== 'esdb-test-double');

const newEvent = (): NewEvent => ({ id: randomUUID(), type: 'Tested', data: {}, metadata: { occurredAt: new Date().toISOString() } });

describe.each(targets.map((t) => [t.name, t] as const))('the PostgreSQL event log on %s', (_name, target) => {
  let db: SqlDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = target.freshDatabase ? await PgDatabase.connect(await target.freshDatabase()) : await PgliteDatabase.open();
    await migrate(db, EVENT_LOG_MIGRATIONS);
    store = new PostgresEventStore(db);
  });
  afterAll(() => db?.close());

  it('leaves a stream where it was when event ids appended before come again at its revision', async () => {
    const streamId = `resent-${randomUUID()}`;
    const elsewhere = `resent-elsewhere-${randomUUID()}`;
    const event = newEvent();
    const first = await store.appendToStream(streamId, [event], 'noStream');
    await store.appendToStream(elsewhere, [newEvent()], 'noStream');

    // The stream is at the revision expected and the event is its revision 0 already: the first outcome.
    await expect(store.appendToStream(streamId, [event], 0)).resolves.toEqual(first);
    // An event id another stream holds is refused; that stream keeps its revision too.
    await expect(store.appendToStream(elsewhere, [event, newEvent()], 0)).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: elsewhere });

    await expect(store.appendToStream(streamId, [newEvent()], 0)).resolves.toMatchObject({ revision: 1 });
    await expect(store.appendToStream(elsewhere, [newEvent(), newEvent()], 0)).resolves.toMatchObject({ revision: 2 });
    expect((await store.readStream(elsewhere)).map((e) => e.revision)).toEqual([0, 1, 2]);
    const [{ revision }] = await db.query<{ revision: string }>('SELECT revision FROM event_streams WHERE stream_id = $1', [elsewhere]);
    expect(Number(revision)).toBe(2);
  });

  it('refuses an append at a revision of a stream that does not exist, and creates nothing', async () => {
    const streamId = `absent-${randomUUID()}`;
    await expect(store.appendToStream(streamId, [newEvent()], 0)).rejects.toMatchObject({ name: 'ConcurrencyError', expected: 0, actual: 'noStream' });
    expect(await db.query('SELECT FROM event_streams WHERE stream_id = $1', [streamId])).toEqual([]);
  });
});
