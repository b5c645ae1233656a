import type { StreamWrite } from '@app/event-store/command-handling/command-store.port';
import { EVENT_LOG_MIGRATIONS } from '@app/event-store/postgres/event-log.migrations';
import { PostgresEventStore } from '@app/event-store/postgres/postgres-event-store.adapter';
import { SqlCommandStore } from '@app/event-store/postgres/sql-command-store';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { createEmptyDatabase } from '@app/platform/database/create-database';
import { migrate } from '@app/platform/database/migrations';
import { PgDatabase } from '@app/platform/database/pg-database';
import { randomUUID } from 'node:crypto';
import { migrateReadModel } from '../store/read-model-schema';
import { writeWithInlineProjection } from './inline-projection';

const serverUrl = process.env.TEST_DATABASE_URL;
const P = 'prepared-idp';
const metadata = { occurredAt: '2026-01-02T03:04:05.678Z' };

(serverUrl ? describe : describe.skip)('the SQL write on a PostgreSQL server: prepared statements', () => {
  let db: PgDatabase;
  let commands: SqlCommandStore;
  beforeAll(async () => {
    // One connection, so every statement of the test meets the same session's prepared statements.
    db = await PgDatabase.connect(await createEmptyDatabase(serverUrl!, 'scim_test'), { poolSize: 1 });
    await migrate(db, EVENT_LOG_MIGRATIONS);
    await migrateReadModel(db);
    commands = new SqlCommandStore(db, new PostgresEventStore(db), writeWithInlineProjection);
  });
  afterAll(() => db?.close());

  const provision = async (userName: string) => {
    const userId = randomUUID();
    const streamId = StreamIds.user(P, userId);
    await commands.readStream(streamId);
    const write: StreamWrite = {
      streamId,
      events: [{ id: randomUUID(), type: 'UserProvisioned', data: { providerId: P, userId, attributes: { userName } }, metadata }],
      expected: 'noStream',
      holder: userId,
      claim: [{ key: `name-${userName}`, reserved: { type: 'UniqueValueReserved', data: {} }, released: { type: 'UniqueValueReleased', data: {} } }],
      release: [],
      takeOver: new Map(),
      metadata,
    };
    return { streamId, userId, ...(await commands.write(write)) };
  };
  const prepared = async () => (await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements WHERE NOT from_sql')).map((r) => r.statement);

  it("parses the stream read and the write's statements once per connection from the second write on, and they still commit", async () => {
    await provision('ada@example.com');
    expect(await prepared()).toEqual([expect.stringContaining('FROM events WHERE stream_id = $1 ORDER BY revision')]);
    for (const name of ['grace@example.com', 'edsger@example.com', 'barbara@example.com']) expect(await provision(name)).toMatchObject({ revision: 0, readModel: 'projected' });

    const statements = await prepared();
    // Besides the read, a create is one statement: the stream's row, its first event, its claims, the projection's row and the user's row.
    expect(statements).toHaveLength(2);
    expect(statements[1]).toEqual(expect.stringMatching(/INSERT INTO event_streams[^]*INSERT INTO events[^]*INSERT INTO unique_claims[^]*INSERT INTO projected_streams[^]*INSERT INTO scim_users/));
    expect(await db.query('SELECT count(*)::int AS users FROM scim_users')).toEqual([{ users: 4 }]);
  });

  it('writes a create with no transaction around its one statement', async () => {
    const transactions = jest.spyOn(db, 'transaction');
    try {
      expect(await provision('katherine@example.com')).toMatchObject({ revision: 0, readModel: 'projected' });
      expect(transactions).not.toHaveBeenCalled();
      // A value already claimed sends the create to the transaction, which finds the refusal.
      await expect(provision('katherine@example.com')).rejects.toMatchObject({ name: 'ClaimTakenError' });
      expect(transactions).toHaveBeenCalledTimes(1);
    } finally {
      transactions.mockRestore();
    }
  });

  it("moves the stream's revision with its event, and marks a new or up-to-date stream's rows built in the statement that locks them: no separate statements", async () => {
    const { streamId, userId } = await provision('alan@example.com');
    const renamed = { id: randomUUID(), type: 'AttributesPatched', data: { providerId: P, userId, changes: [{ attribute: 'displayName', newValue: 'Alan' }] }, metadata };
    expect(await commands.write({ streamId, events: [renamed], expected: 0, holder: userId, claim: [], release: [], takeOver: new Map(), metadata })).toMatchObject({
      revision: 1,
      readModel: 'projected',
    });
    expect(await db.query('SELECT revision FROM projected_streams WHERE stream_id = $1', [streamId])).toEqual([{ revision: 1 }]);
    expect((await prepared()).filter((s) => s.includes('UPDATE projected_streams'))).toEqual([]);
    // Prepared from its second use on: a second change.
    const retitled = { ...renamed, id: randomUUID(), data: { ...renamed.data, changes: [{ attribute: 'title', newValue: 'Dr' }] } };
    await commands.write({ streamId, events: [retitled], expected: 1, holder: userId, claim: [], release: [], takeOver: new Map(), metadata });
    const streamWrites = (await prepared()).filter((s) => s.includes('event_streams'));
    expect(streamWrites).toHaveLength(2);
    expect(streamWrites.find((s) => s.includes('UPDATE event_streams'))).toContain('INSERT INTO events');
  });
  it('writes a change decided on the stream read, and a delete, each as one statement with no transaction around it', async () => {
    const { streamId, userId } = await provision('mary@example.com');
    const transactions = jest.spyOn(db, 'transaction');
    const statements = jest.spyOn(db, 'query');
    try {
      for (const [i, type] of ['AttributesPatched', 'UserDeactivated', 'UserDeleted'].entries()) {
        const history = await commands.readStream(streamId);
        const changed = { id: randomUUID(), type, data: { providerId: P, userId, changes: [{ attribute: 'displayName', newValue: `Mary ${i}` }] }, metadata };
        const release = type === 'UserDeleted' ? [{ key: 'name-mary@example.com', reserved: { type: 'UniqueValueReserved', data: {} }, released: { type: 'UniqueValueReleased', data: {} } }] : [];
        expect(await commands.write({ streamId, events: [changed], expected: i, holder: userId, claim: [], release, takeOver: new Map(), metadata, history })).toMatchObject({
          revision: i + 1,
          readModel: 'projected',
        });
      }
      expect(transactions).not.toHaveBeenCalled();
      // Each: the stream read, then the write.
      expect(statements).toHaveBeenCalledTimes(6);
      expect(await db.query('SELECT count(*)::int AS users FROM scim_users WHERE user_id = $1', [userId])).toEqual([{ users: 0 }]);
      expect(await db.query('SELECT count(*)::int AS claims FROM unique_claims WHERE holder = $1', [userId])).toEqual([{ claims: 0 }]);
    } finally {
      transactions.mockRestore();
      statements.mockRestore();
    }
  });
});
