import type { EventStore, NewEvent, RecordedEvent } from '@app/event-store/event-store.port';
import { EVENT_LOG_MIGRATIONS } from '@app/event-store/postgres/event-log.migrations';
import { PostgresEventStore } from '@app/event-store/postgres/postgres-event-store.adapter';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { DatabaseUnavailableError } from '@app/platform/database/database-unavailable.error';
import { migrate } from '@app/platform/database/migrations';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import type { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { createLogger } from '@app/platform/logging/logger';
import { ScimError } from '@app/scim/errors/scim-error';
import { eventually } from '@app/testing/eventually';
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { migrateReadModel } from '../store/read-model-schema';
import { UserReadModel } from '../store/user-read-model';
import { ReadModelProjector } from './read-model.projector';
import { reprojectQuarantined } from './read-model.reprojection';

const P = 'tenant-a';
// Random characters do not compress: past the btree row limit on PostgreSQL and PGlite alike (SQLSTATE 54000).
const POISON = randomBytes(7_500).toString('base64');

/** Fails chosen statements (by a parameter they carry) the way a sick database would. */
class FaultyDatabase implements SqlDatabase {
  fault: { readonly param: unknown; readonly error: () => Error } | undefined;

  constructor(private readonly db: SqlDatabase) {}

  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.guard(this.db, sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.db.exec(sql);
  }
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work({ query: (sql, params) => this.guard(tx, sql, params), exec: (sql) => tx.exec(sql) }));
  }
  close(): Promise<void> {
    return this.db.close();
  }

  private async guard<Row>(target: SqlExecutor, sql: string, params?: readonly unknown[]): Promise<Row[]> {
    if (this.fault && params?.includes(this.fault.param)) throw this.fault.error();
    return target.query<Row>(sql, params);
  }
}

let pglite: PgliteDatabase;
let db: FaultyDatabase;
let events: PostgresEventStore;
let logLines: string[];
let projector: ReadModelProjector;
let users: UserReadModel;
let userNameIndex: string;

// One database for the file (PGlite takes seconds to start on a busy machine), emptied before each test.
beforeAll(async () => {
  pglite = await PgliteDatabase.open();
  await migrate(pglite, EVENT_LOG_MIGRATIONS);
  await migrateReadModel(pglite);
  [{ indexdef: userNameIndex }] = await pglite.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'scim_users_user_name'");
  db = new FaultyDatabase(pglite);
  events = new PostgresEventStore(pglite);
  users = new UserReadModel(pglite);
});
afterAll(() => pglite.close());

beforeEach(async () => {
  await pglite.exec(`
    TRUNCATE events, event_streams, scim_users, identity_providers, scim_tokens, projection_failures, projected_streams;
    UPDATE projection_checkpoints SET position = 0;
    ${userNameIndex.replace('CREATE INDEX', 'CREATE INDEX IF NOT EXISTS')};
  `);
  logLines = [];
  projector = newProjector(db, events);
  await projector.init();
});
afterEach(async () => {
  projector.stop();
  db.fault = undefined;
});

/** The fix an operator might make for the poison value: without the index, the row fits. */
function dropUserNameIndex(): Promise<void> {
  return pglite.exec('DROP INDEX scim_users_user_name');
}

function newProjector(database: SqlDatabase, store: EventStore): ReadModelProjector {
  const sink = new Writable({
    write: (chunk, _encoding, done) => {
      logLines.push(String(chunk));
      done();
    },
  });
  return new ReadModelProjector(database, store, createLogger('info', sink));
}

function event(type: string, data: Record<string, unknown>): NewEvent {
  return { id: randomUUID(), type, data, metadata: { occurredAt: new Date().toISOString() } };
}

async function provision(userId: string, userName: string): Promise<number> {
  const result = await events.appendToStream(StreamIds.user(P, userId), [event('UserProvisioned', { providerId: P, userId, attributes: { userName } })], 'noStream');
  return result.position;
}

async function rename(userId: string, displayName: string): Promise<number> {
  const stream = StreamIds.user(P, userId);
  const last = (await events.readStream(stream)).at(-1) as RecordedEvent;
  const changes = [{ attribute: 'displayName', newValue: displayName }];
  return (await events.appendToStream(stream, [event('AttributesPatched', { providerId: P, userId, changes })], last.revision)).position;
}

async function checkpoint(): Promise<number> {
  const [row] = await pglite.query<{ position: number }>("SELECT position FROM projection_checkpoints WHERE name = 'read-model'");
  return Number(row.position);
}

async function quarantine() {
  return pglite.query<Record<string, unknown>>(
    'SELECT position, stream_id, event_type, held_behind, error_class, error_code FROM projection_failures ORDER BY position',
  );
}

const logged = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('ReadModelProjector with an event that cannot be projected (PGlite)', () => {
  const [good, poisoned, later] = [randomUUID(), randomUUID(), randomUUID()];

  async function poisonAmongGoodOnes() {
    const positions = {
      good: await provision(good, 'good@example.com'),
      poisoned: await provision(poisoned, POISON),
      later: await provision(later, 'later@example.com'),
      heldRename: await rename(poisoned, 'Held Name'),
      goodRename: await rename(good, 'Good Name'),
    };
    await projector.catchUp();
    return positions;
  }

  it('quarantines the event and its stream, projects everyone else and moves the checkpoint', async () => {
    const positions = await poisonAmongGoodOnes();

    expect((await users.findById(P, good))?.attributes).toEqual({ userName: 'good@example.com', displayName: 'Good Name' });
    expect(await users.findById(P, later)).toBeDefined();
    expect(await users.findById(P, poisoned)).toBeUndefined();
    expect(await checkpoint()).toBe(positions.goodRename);
    expect(await quarantine()).toEqual([
      {
        position: positions.poisoned,
        stream_id: StreamIds.user(P, poisoned),
        event_type: 'UserProvisioned',
        held_behind: null,
        error_class: 'program_limit_exceeded',
        error_code: '54000',
      },
      {
        position: positions.heldRename,
        stream_id: StreamIds.user(P, poisoned),
        event_type: 'AttributesPatched',
        held_behind: positions.poisoned,
        error_class: null,
        error_code: null,
      },
    ]);
  });

  it('logs the failure once as an error and the held event as a warning, with no user value', async () => {
    const positions = await poisonAmongGoodOnes();
    await projector.catchUp();

    const lines = logged();
    expect(lines.filter((line) => line.level === 50)).toEqual([
      expect.objectContaining({
        position: positions.poisoned,
        streamId: StreamIds.user(P, poisoned),
        eventType: 'UserProvisioned',
        errorClass: 'program_limit_exceeded',
        errorCode: '54000',
        msg: 'event failed to project; its stream is quarantined',
      }),
    ]);
    expect(lines.filter((line) => line.level === 40)).toEqual([
      expect.objectContaining({ position: positions.heldRename, heldBehind: positions.poisoned, eventType: 'AttributesPatched' }),
    ]);
    const all = logLines.join('');
    for (const value of [POISON.slice(0, 40), 'Held Name', 'good@example.com']) expect(all).not.toContain(value);
  });

  it('holds the quarantined user’s events in later batches, and projects the others', async () => {
    const positions = await poisonAmongGoodOnes();
    const heldLater = await rename(poisoned, 'Still Held');
    const goodLater = await rename(good, 'Good Again');
    await projector.catchUp();

    expect((await users.findById(P, good))?.attributes.displayName).toBe('Good Again');
    expect(await users.findById(P, poisoned)).toBeUndefined();
    expect((await quarantine()).map((row) => [row.position, row.held_behind])).toEqual([
      [positions.poisoned, null],
      [positions.heldRename, positions.poisoned],
      [heldLater, positions.poisoned],
    ]);
    expect(await checkpoint()).toBe(goodLater);
  });

  it('is idempotent: projecting the same log again records and logs nothing twice', async () => {
    await poisonAmongGoodOnes();
    const before = await quarantine();
    const lines = logLines.length;
    await projector.catchUp();
    // A projector starting from scratch over the same tables (as after a lost checkpoint) changes nothing either.
    await pglite.query("UPDATE projection_checkpoints SET position = 0 WHERE name = 'read-model'");
    const fresh = newProjector(db, events);
    await fresh.catchUp();

    expect(await quarantine()).toEqual(before);
    expect(logLines.length).toBe(lines);
    expect((await users.findById(P, good))?.attributes.displayName).toBe('Good Name');
    expect(await pglite.query('SELECT user_id FROM scim_users ORDER BY user_id')).toHaveLength(2);
  });

  it('keeps the last good row of a user whose later event fails', async () => {
    const userId = randomUUID();
    await provision(userId, 'kept@example.com');
    await projector.catchUp();
    const stream = StreamIds.user(P, userId);
    const changes = [{ attribute: 'userName', oldValue: 'kept@example.com', newValue: POISON }];
    const failed = await events.appendToStream(stream, [event('AttributesPatched', { providerId: P, userId, changes })], 0);
    await projector.catchUp();

    const row = await users.findById(P, userId);
    expect(row).toMatchObject({ version: 0, attributes: { userName: 'kept@example.com' } });
    expect((await quarantine()).map((r) => r.position)).toEqual([failed.position]);
  });

  it('reports the quarantine for readiness and metrics, without stream ids', async () => {
    expect(await projector.readiness()).toEqual({
      status: 'ok',
      projectedPosition: 0,
      projectionFailures: { quarantinedStreams: 0, quarantinedEvents: 0, failures: [] },
    });
    const positions = await poisonAmongGoodOnes();

    const readiness = await projector.readiness();
    expect(readiness).toEqual({
      status: 'degraded',
      projectedPosition: positions.goodRename,
      projectionFailures: {
        quarantinedStreams: 1,
        quarantinedEvents: 2,
        firstPosition: positions.poisoned,
        failures: [
          {
            position: positions.poisoned,
            eventType: 'UserProvisioned',
            errorClass: 'program_limit_exceeded',
            errorCode: '54000',
            recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            heldEvents: 1,
          },
        ],
      },
    });
    expect(JSON.stringify(readiness)).not.toContain(poisoned);
  });

  it('answers waitFor for a quarantined or held position with a 503 that says the change is stored', async () => {
    const positions = await poisonAmongGoodOnes();

    for (const position of [positions.poisoned, positions.heldRename]) {
      const error = await projector.waitFor(position).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScimError);
      expect(error).toMatchObject({ status: 503, retryAfterSeconds: expect.any(Number) });
      expect((error as ScimError).detail).toContain(`stored (log position ${position})`);
      expect((error as ScimError).detail).toContain(`log position ${positions.poisoned}`);
    }
    await expect(projector.waitFor(positions.goodRename)).resolves.toBeUndefined();
    const heldNow = await rename(poisoned, 'Another');
    await expect(projector.waitFor(heldNow)).rejects.toMatchObject({ status: 503 });
  });

  it('answers a 503 that says the change is stored when projecting fails for a while', async () => {
    db.fault = { param: 'down@example.com', error: () => new DatabaseUnavailableError('timeout', 7) };
    const position = await provision(randomUUID(), 'down@example.com');
    const error = await projector.waitFor(position).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 7, detail: expect.stringContaining(`stored (log position ${position})`) });
    expect(await quarantine()).toEqual([]);
  });

  it('answers a 503 that says the change is stored when the read model does not reach it in time', async () => {
    const position = (await provision(randomUUID(), 'ahead@example.com')) + 1_000;
    await expect(projector.waitFor(position, 50)).rejects.toMatchObject({ status: 503, detail: expect.stringContaining('did not reach it within 50 ms') });
  });
});

describe('ReadModelProjector with a transient error (PGlite)', () => {
  it.each([
    ['the database going away', () => new DatabaseUnavailableError('unreachable')],
    ['a serialization failure', () => Object.assign(new Error('could not serialize'), { code: '40001', severity: 'ERROR' })],
    ['a bug without a SQLSTATE', () => new TypeError('boom')],
  ])('records nothing on %s: the batch fails and projects once the fault is gone', async (_name, error) => {
    const [a, b] = [randomUUID(), randomUUID()];
    await provision(a, 'a@example.com');
    const last = await provision(b, 'b@example.com');
    db.fault = { param: 'b@example.com', error };

    await expect(projector.catchUp()).rejects.toThrow();
    expect(await checkpoint()).toBe(0);
    expect(await quarantine()).toEqual([]);

    db.fault = undefined;
    expect(await projector.catchUp()).toBe(last);
    expect(await users.findById(P, a)).toBeDefined();
    expect(await users.findById(P, b)).toBeDefined();
  });

  it('records nothing when a transient error follows a poison event in the same batch', async () => {
    const poisoned = await provision(randomUUID(), POISON);
    await provision(randomUUID(), 'after@example.com');
    db.fault = { param: 'after@example.com', error: () => new DatabaseUnavailableError('timeout') };

    await expect(projector.catchUp()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(await quarantine()).toEqual([]);
    expect(logLines).toEqual([]);

    db.fault = undefined;
    await projector.catchUp();
    expect((await quarantine()).map((row) => row.position)).toEqual([poisoned]);
  });

  it('logs a polling failure once, with its class and code only, and then the recovery', async () => {
    await provision(randomUUID(), 'polled@example.com');
    db.fault = { param: 'polled@example.com', error: () => Object.assign(new Error('value polled@example.com'), { code: '57014', severity: 'ERROR' }) };
    projector.start(10);
    await eventually(() => expect(logLines.length).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(logged()).toEqual([
      expect.objectContaining({ level: 50, errorClass: 'operator_intervention', errorCode: '57014', msg: 'read-model projection failed; retrying' }),
    ]);
    db.fault = undefined;
    await eventually(() => expect(logged().at(-1)).toMatchObject({ level: 30, msg: 'read-model projection recovered' }));
    expect(logLines.join('')).not.toContain('polled@example.com');
  });
});

describe('reprojectQuarantined (PGlite)', () => {
  async function poisonWithHeldRename(): Promise<{ userId: string; failed: number }> {
    const userId = randomUUID();
    const failed = await provision(userId, POISON);
    await rename(userId, 'After Fix');
    await projector.catchUp();
    return { userId, failed };
  }

  it('lists the quarantined streams on a dry run and changes nothing', async () => {
    const { userId, failed } = await poisonWithHeldRename();

    const results = await reprojectQuarantined(db, events, { dryRun: true });
    expect(results).toEqual([
      {
        streamId: StreamIds.user(P, userId),
        outcome: 'quarantined',
        stream: expect.objectContaining({ failedPosition: failed, eventType: 'UserProvisioned', errorCode: '54000', heldEvents: 1 }),
      },
    ]);
    expect(await quarantine()).toHaveLength(2);
  });

  it('leaves a stream quarantined while it still fails, and says where', async () => {
    const { userId, failed } = await poisonWithHeldRename();

    expect(await reprojectQuarantined(db, events)).toEqual([
      {
        streamId: StreamIds.user(P, userId),
        outcome: 'still-failing',
        position: failed,
        eventType: 'UserProvisioned',
        errorClass: 'program_limit_exceeded',
        errorCode: '54000',
      },
    ]);
    expect(await quarantine()).toHaveLength(2);
    expect(await users.findById(P, userId)).toBeUndefined();
  });

  it('rebuilds the user from its whole stream after the fix, lifts the quarantine, and later events project as usual', async () => {
    const { userId } = await poisonWithHeldRename();
    await dropUserNameIndex();

    expect(await reprojectQuarantined(db, events)).toEqual([{ streamId: StreamIds.user(P, userId), outcome: 'reprojected', events: 2 }]);
    expect(await quarantine()).toEqual([]);
    expect((await users.findById(P, userId))?.attributes).toEqual({ userName: POISON, displayName: 'After Fix' });

    const next = await rename(userId, 'Next');
    await projector.waitFor(next);
    expect((await users.findById(P, userId))?.attributes.displayName).toBe('Next');
    expect(await reprojectQuarantined(db, events)).toEqual([]);
  });

  it('rebuilds a user whose row was left at its last good state', async () => {
    const userId = randomUUID();
    await provision(userId, 'before@example.com');
    await projector.catchUp();
    const changes = [{ attribute: 'userName', oldValue: 'before@example.com', newValue: POISON }];
    await events.appendToStream(StreamIds.user(P, userId), [event('AttributesPatched', { providerId: P, userId, changes })], 0);
    await rename(userId, 'Renamed');
    await projector.catchUp();
    await dropUserNameIndex();

    expect(await reprojectQuarantined(db, events)).toEqual([{ streamId: StreamIds.user(P, userId), outcome: 'reprojected', events: 3 }]);
    expect(await users.findById(P, userId)).toMatchObject({ version: 2, attributes: { userName: POISON, displayName: 'Renamed' } });
  });

  it('reads the stream again when events of it were projected after it was read', async () => {
    const { userId } = await poisonWithHeldRename();
    await dropUserNameIndex();
    let reads = 0;
    // The first read misses the held event, as if it had been appended and held between read and lock.
    const late: EventStore = Object.assign(Object.create(events) as EventStore, {
      readStream: async (streamId: string) => (await events.readStream(streamId)).slice(0, ++reads === 1 ? 1 : undefined),
    });

    expect(await reprojectQuarantined(db, late)).toEqual([{ streamId: StreamIds.user(P, userId), outcome: 'reprojected', events: 2 }]);
    expect(reads).toBe(2);
  });

  it('leaves alone a stream another run released meanwhile', async () => {
    const { userId } = await poisonWithHeldRename();
    const raced: EventStore = Object.assign(Object.create(events) as EventStore, {
      readStream: async (streamId: string) => {
        await pglite.query('DELETE FROM projection_failures WHERE stream_id = $1', [streamId]);
        return events.readStream(streamId);
      },
    });

    expect(await reprojectQuarantined(db, raced)).toEqual([{ streamId: StreamIds.user(P, userId), outcome: 'already-released' }]);
    expect(await users.findById(P, userId)).toBeUndefined();
  });

  it('gives up with an error when the stream keeps changing', async () => {
    await poisonWithHeldRename();
    const stale: EventStore = Object.assign(Object.create(events) as EventStore, {
      readStream: async (streamId: string) => (await events.readStream(streamId)).slice(0, 1),
    });
    await expect(reprojectQuarantined(db, stale)).rejects.toThrow(/kept changing/);
    expect(await quarantine()).toHaveLength(2);
  });

  it('aborts on a transient error and lifts nothing', async () => {
    const { userId } = await poisonWithHeldRename();
    await dropUserNameIndex();
    db.fault = { param: StreamIds.user(P, userId), error: () => new DatabaseUnavailableError('unreachable') };

    await expect(reprojectQuarantined(db, events)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    db.fault = undefined;
    expect(await quarantine()).toHaveLength(2);
  });
});

describe('ReadModelProjector beside a steady stream of writes (PGlite)', () => {
  it('ends a run with its first batch short of the limit: what was appended meanwhile waits for the next run', async () => {
    await provision(randomUUID(), 'first@example.com');
    let reads = 0;
    const arrived: string[] = [];
    // Each read finds one more event appended since: a run that went round again would never end.
    const busyLog: EventStore = Object.assign(Object.create(events) as PostgresEventStore, {
      readAll: async (after: number, max: number) => {
        reads += 1;
        const batch = await events.readAll(after, max);
        arrived.push(randomUUID());
        await provision(arrived[arrived.length - 1], `arrived-${reads}@example.com`);
        return batch;
      },
    });
    const steady = newProjector(db, busyLog);
    const first = await steady.catchUp();
    expect([reads, await checkpoint()]).toEqual([1, first]);
    expect(await users.findById(P, arrived[0])).toBeUndefined();
    const second = await steady.catchUp();
    expect([reads, second > first]).toEqual([2, true]);
    expect(await users.findById(P, arrived[0])).toBeDefined();
  });
});
