import type { CommandStore, StreamWrite } from '@app/event-store/command-handling/command-store.port';
import { ClaimTakenError, UniqueClaim } from '@app/event-store/command-handling/unique-claim';
import { ConcurrencyError } from '@app/event-store/concurrency.error';
import type { NewEvent } from '@app/event-store/event-store.port';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { createLogger } from '@app/platform/logging/logger';
import { ScimError } from '@app/scim/errors/scim-error';
import { storageTargets } from '@app/testing/postgres-target';
import { randomBytes, randomUUID } from 'node:crypto';
import { openStores, Stores } from '../open-stores';
import { ReadModelProjector } from './read-model.projector';

const P = 'inline-idp';
// Random characters do not compress: past the btree row limit of the userName index (SQLSTATE 54000).
const POISON = randomBytes(7_500).toString('base64');
const metadata = { occurredAt: '2026-01-02T03:04:05.678Z' };
const silent = createLogger('silent');

const targets = storageTargets().filter((t) => t.name !== 'esdb-test-double');

const claim = (key: string): UniqueClaim => ({ key, reserved: { type: 'UniqueValueReserved', data: {} }, released: { type: 'UniqueValueReleased', data: {} } });
const event = (type: string, data: Record<string, unknown>): NewEvent => ({ id: randomUUID(), type, data, metadata });

describe.each(targets.map((t) => [t.name, t] as const))('SqlCommandStore with the inline projection on %s', (_name, target) => {
  let stores: Stores;
  let commands: CommandStore;
  beforeEach(async () => {
    stores = await openStores({ dataDir: ':memory:', databaseUrl: await target.freshDatabase?.() }, silent);
    commands = stores.commands;
  });
  afterEach(() => stores.close());

  function write(userId: string, events: NewEvent[], overrides: Partial<StreamWrite> = {}) {
    return commands.write({ streamId: StreamIds.user(P, userId), events, expected: 'noStream', holder: userId, claim: [], release: [], takeOver: new Map(), metadata, ...overrides });
  }
  const provisioned = (userId: string, userName: string) => event('UserProvisioned', { providerId: P, userId, attributes: { userName } });
  const claims = () => stores.db.query<{ claim_key: string; holder: string }>('SELECT claim_key, holder FROM unique_claims ORDER BY claim_key');
  const resetCheckpoint = () => stores.db.query("UPDATE projection_checkpoints SET position = 0 WHERE name = 'read-model'");

  it('commits the events, the claims and the read-model row together: readable at once, without the projector', async () => {
    const id = randomUUID();
    const committed = await write(id, [provisioned(id, 'ada@example.com')], { claim: [claim('name-ada')] });

    expect(committed).toMatchObject({ revision: 0, readModel: 'projected' });
    expect(await stores.users.findById(P, id)).toMatchObject({ version: 0, attributes: { userName: 'ada@example.com' }, createdAt: new Date(metadata.occurredAt) });
    expect(await claims()).toEqual([{ claim_key: 'name-ada', holder: id }]);
    expect(await stores.events.readStream(StreamIds.user(P, id))).toHaveLength(1);
  });

  it('refuses a value another holder claimed inside the transaction, and appends nothing', async () => {
    const [ada, rival] = [randomUUID(), randomUUID()];
    await write(ada, [provisioned(ada, 'ada@example.com')], { claim: [claim('name-ada')] });

    const error = await write(rival, [provisioned(rival, 'ada@example.com')], { claim: [claim('name-other'), claim('name-ada')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaimTakenError);
    expect(error).toMatchObject({ key: 'name-ada', holder: ada });
    expect(await stores.events.readStream(StreamIds.user(P, rival))).toEqual([]);
    expect(await stores.users.findById(P, rival)).toBeUndefined();
    expect(await claims()).toEqual([{ claim_key: 'name-ada', holder: ada }]);
  });

  it('gives a create sent again (same event id) its first outcome, and refuses a create of a stream that exists, leaving it as it was', async () => {
    const id = randomUUID();
    const create = provisioned(id, 'ada@example.com');
    const first = await write(id, [create], { claim: [claim('name-ada')] });
    await expect(write(id, [create], { claim: [claim('name-ada')] })).resolves.toMatchObject({ revision: 0, position: first.position });

    await expect(write(id, [provisioned(id, 'ada@example.com')], { claim: [claim('name-ada')] })).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await stores.events.readStream(StreamIds.user(P, id))).toEqual([expect.objectContaining({ id: create.id })]);
    expect(await claims()).toEqual([{ claim_key: 'name-ada', holder: id }]);
    expect(await stores.users.findById(P, id)).toMatchObject({ version: 0 });
  });

  it('lets one of two creates racing for a value stand and refuses the other, leaving nothing of it', async () => {
    const [ada, rival] = [randomUUID(), randomUUID()];
    const outcomes = await Promise.allSettled([
      write(ada, [provisioned(ada, 'ada@example.com')], { claim: [claim('name-ada'), claim('ext-ada')] }),
      write(rival, [provisioned(rival, 'ada@example.com')], { claim: [claim('name-ada'), claim('ext-rival')] }),
    ]);
    const [won, lost] = outcomes[0].status === 'fulfilled' ? [ada, rival] : [rival, ada];
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: expect.any(ClaimTakenError) });
    expect(await stores.events.readStream(StreamIds.user(P, lost))).toEqual([]);
    expect(await stores.users.findById(P, lost)).toBeUndefined();
    expect((await claims()).map((c) => c.holder)).toEqual([won, won]);
  });

  it('writes a create whose stream has a projection row already (a projector made it) in the transaction instead', async () => {
    const id = randomUUID();
    await stores.db.query('INSERT INTO projected_streams (stream_id, revision) VALUES ($1, -1)', [StreamIds.user(P, id)]);

    await expect(write(id, [provisioned(id, 'ada@example.com')])).resolves.toMatchObject({ revision: 0, readModel: 'projected' });
    expect(await stores.users.findById(P, id)).toMatchObject({ version: 0 });
    expect(await stores.db.query('SELECT revision FROM projected_streams WHERE stream_id = $1', [StreamIds.user(P, id)])).toEqual([{ revision: 0 }]);
  });

  describe('a change decided on the stream read (its history given, as the command handler gives it)', () => {
    const changeOf = async (userId: string, changes: unknown[], overrides: Partial<StreamWrite> = {}) => {
      const history = await commands.readStream(StreamIds.user(P, userId));
      const patched = event('AttributesPatched', { providerId: P, userId, changes });
      return write(userId, [patched], { expected: history.at(-1)!.revision, history, ...overrides });
    };
    const projectedRevision = async (userId: string) =>
      (await stores.db.query<{ revision: number }>('SELECT revision FROM projected_streams WHERE stream_id = $1', [StreamIds.user(P, userId)]))[0]?.revision;

    it('moves the user row and the projection row with the event', async () => {
      const id = randomUUID();
      await write(id, [provisioned(id, 'ada@example.com')], { claim: [claim('name-ada')] });

      expect(await changeOf(id, [{ attribute: 'displayName', newValue: 'Ada' }])).toMatchObject({ revision: 1, readModel: 'projected' });
      expect(await changeOf(id, [{ attribute: 'title', newValue: 'Countess' }])).toMatchObject({ revision: 2, readModel: 'projected' });
      expect(await stores.users.findById(P, id)).toMatchObject({ version: 2, attributes: { userName: 'ada@example.com', displayName: 'Ada', title: 'Countess' } });
      expect(Number(await projectedRevision(id))).toBe(2);
    });

    it('deletes the row and gives back the claims with a UserDeleted', async () => {
      const id = randomUUID();
      await write(id, [provisioned(id, 'ada@example.com')], { claim: [claim('name-ada')] });
      const history = await commands.readStream(StreamIds.user(P, id));

      await write(id, [event('UserDeleted', { providerId: P, userId: id })], { expected: 0, history, release: [claim('name-ada')] });
      expect(await stores.users.findById(P, id)).toBeUndefined();
      expect(await claims()).toEqual([]);
      expect(Number(await projectedRevision(id))).toBe(1);
    });

    it('refuses a change decided on a stale read as a ConcurrencyError, leaving the row as the first change made it', async () => {
      const id = randomUUID();
      await write(id, [provisioned(id, 'ada@example.com')]);
      const stale = await commands.readStream(StreamIds.user(P, id));
      await changeOf(id, [{ attribute: 'displayName', newValue: 'First' }]);

      const second = event('AttributesPatched', { providerId: P, userId: id, changes: [{ attribute: 'displayName', newValue: 'Second' }] });
      await expect(write(id, [second], { expected: 0, history: stale })).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await stores.users.findById(P, id)).toMatchObject({ version: 1, attributes: { displayName: 'First' } });
    });

    it('lets one of two changes decided on the same read stand', async () => {
      const id = randomUUID();
      await write(id, [provisioned(id, 'ada@example.com')]);
      const history = await commands.readStream(StreamIds.user(P, id));
      const named = (displayName: string) => event('AttributesPatched', { providerId: P, userId: id, changes: [{ attribute: 'displayName', newValue: displayName }] });
      const outcomes = await Promise.allSettled(['A', 'B'].map((name) => write(id, [named(name)], { expected: 0, history })));

      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: expect.any(ConcurrencyError) });
      expect(await stores.users.findById(P, id)).toMatchObject({ version: 1, attributes: { displayName: outcomes[0].status === 'fulfilled' ? 'A' : 'B' } });
    });

    it('brings a row that is behind (events appended without it) up to date in the transaction instead', async () => {
      const id = randomUUID();
      await stores.events.appendToStream(StreamIds.user(P, id), [provisioned(id, 'ada@example.com')], 'noStream');

      expect(await changeOf(id, [{ attribute: 'displayName', newValue: 'Ada' }])).toMatchObject({ revision: 1, readModel: 'projected' });
      expect(await stores.users.findById(P, id)).toMatchObject({ version: 1, attributes: { userName: 'ada@example.com', displayName: 'Ada' } });
    });

    it('holds a change to a quarantined stream behind its failure', async () => {
      const id = randomUUID();
      await stores.events.appendToStream(StreamIds.user(P, id), [provisioned(id, POISON)], 'noStream');
      await stores.projector.catchUp();

      expect(await changeOf(id, [{ attribute: 'displayName', newValue: 'Later' }])).toMatchObject({ revision: 1, readModel: 'held' });
      expect(await stores.users.findById(P, id)).toBeUndefined();
    });

    it('holds a change behind a failure recorded for the stream even when its rows are at the revision read', async () => {
      const id = randomUUID();
      const created = await write(id, [provisioned(id, 'ada@example.com')]);
      await stores.db.query("INSERT INTO projection_failures (position, stream_id, event_type) VALUES ($1, $2, 'UserProvisioned')", [created.position, StreamIds.user(P, id)]);

      expect(await changeOf(id, [{ attribute: 'displayName', newValue: 'Later' }])).toMatchObject({ revision: 1, readModel: 'held' });
      expect(await stores.users.findById(P, id)).toMatchObject({ version: 0 });
    });
  });

  it('refuses a stale revision as a ConcurrencyError before a taken claim, and gives a repeated write its first outcome', async () => {
    const [ada, grace] = [randomUUID(), randomUUID()];
    await write(ada, [provisioned(ada, 'ada@example.com')], { claim: [claim('name-ada')] });
    await write(grace, [provisioned(grace, 'grace@example.com')], { claim: [claim('name-grace')] });
    const renamed = event('AttributesPatched', { providerId: P, userId: grace, changes: [{ attribute: 'userName', newValue: 'ada@example.com' }] });

    // Claims and the stream's revision are checked in one statement: the revision is the refusal (the command is decided again).
    await expect(write(grace, [renamed], { expected: 5, claim: [claim('name-ada')] })).rejects.toBeInstanceOf(ConcurrencyError);
    const retitled = event('AttributesPatched', { providerId: P, userId: grace, changes: [{ attribute: 'title', newValue: 'Dr' }] });
    const first = await write(grace, [retitled], { expected: 0, claim: [claim('name-grace')] });
    await expect(write(grace, [retitled], { expected: 0, claim: [claim('name-grace')] })).resolves.toMatchObject({ revision: first.revision, position: first.position });
    expect(await claims()).toEqual([{ claim_key: 'name-ada', holder: ada }, { claim_key: 'name-grace', holder: grace }]);
    expect(await stores.events.readStream(StreamIds.user(P, grace))).toHaveLength(2);
  });

  it('releases a renamed value in the same transaction, and takes over a claim named stale', async () => {
    const [ada, grace, third] = [randomUUID(), randomUUID(), randomUUID()];
    await write(ada, [provisioned(ada, 'ada@example.com')], { claim: [claim('name-ada')] });
    const renamed = event('AttributesPatched', { providerId: P, userId: ada, changes: [{ attribute: 'userName', newValue: 'countess@example.com' }] });
    await write(ada, [renamed], { expected: 0, claim: [claim('name-countess')], release: [claim('name-ada')] });
    await write(grace, [provisioned(grace, 'ada@example.com')], { claim: [claim('name-ada')] });
    expect(await claims()).toEqual([{ claim_key: 'name-ada', holder: grace }, { claim_key: 'name-countess', holder: ada }]);
    expect((await stores.users.findById(P, ada))?.attributes.userName).toBe('countess@example.com');

    await write(third, [provisioned(third, 'countess@example.com')], { claim: [claim('name-countess')], takeOver: new Map([['name-countess', ada]]) });
    expect(await claims()).toEqual([{ claim_key: 'name-ada', holder: grace }, { claim_key: 'name-countess', holder: third }]);
  });

  it('never appends what cannot be projected: a 400, and no event, claim or row', async () => {
    const id = randomUUID();
    const error = await write(id, [provisioned(id, POISON)], { claim: [claim('name-poison')] }).catch((e: unknown) => e);

    // A ScimError even when it crossed from PGlite's worker thread: the controller must still answer 400.
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(await stores.events.readStream(StreamIds.user(P, id))).toEqual([]);
    expect(await claims()).toEqual([]);
    expect(await stores.projector.failureReport()).toMatchObject({ quarantinedStreams: 0 });
  });

  it('stores a write to a quarantined stream as held behind its failure', async () => {
    const id = randomUUID();
    const poisoned = await stores.events.appendToStream(StreamIds.user(P, id), [provisioned(id, POISON)], 'noStream');
    await stores.projector.catchUp();
    const patched = event('AttributesPatched', { providerId: P, userId: id, changes: [{ attribute: 'displayName', newValue: 'Later' }] });

    const committed = await write(id, [patched], { expected: 0 });
    expect(committed).toMatchObject({ revision: 1, readModel: 'held' });
    await expect(stores.projector.waitFor(committed.position)).rejects.toMatchObject({ status: 503 });
    const held = await stores.db.query<{ position: number; held_behind: number }>('SELECT position, held_behind FROM projection_failures ORDER BY position');
    expect(held.map((row) => [Number(row.position), Number(row.held_behind)])).toEqual([
      [poisoned.position, 0],
      [committed.position, poisoned.position],
    ]);
  });

  it('brings a row behind (events appended without it) up to date with the next write', async () => {
    const id = randomUUID();
    await stores.events.appendToStream(StreamIds.user(P, id), [provisioned(id, 'ada@example.com')], 'noStream');
    const patched = event('AttributesPatched', { providerId: P, userId: id, changes: [{ attribute: 'displayName', newValue: 'Ada' }] });

    await write(id, [patched], { expected: 0 });
    expect(await stores.users.findById(P, id)).toMatchObject({ version: 1, attributes: { userName: 'ada@example.com', displayName: 'Ada' } });
  });

  it('leaves the projector nothing to redo: from a lost checkpoint it brings no deleted user back and undoes no revoke', async () => {
    const id = randomUUID();
    await write(id, [provisioned(id, 'ada@example.com')]);
    await write(id, [event('UserDeleted', { providerId: P, userId: id })], { expected: 0 });
    const idp = StreamIds.identityProvider('inline-tenant');
    const providerId = 'inline-tenant';
    await commands.write({
      streamId: idp, events: [event('IdentityProviderRegistered', { providerId, displayName: 'x' }), event('TokenIssued', { providerId, tokenId: 't1', digest: 'd1' })],
      expected: 'noStream', holder: providerId, claim: [], release: [], takeOver: new Map(), metadata,
    });
    await commands.write({ streamId: idp, events: [event('TokenRevoked', { providerId, tokenId: 't1' })], expected: 1, holder: providerId, claim: [], release: [], takeOver: new Map(), metadata });

    await resetCheckpoint();
    // Batches of one: every event in a transaction of its own, as a projector meets them across polls.
    const oneAtATime = new Proxy(stores.events, {
      get: (target, property) => (property === 'readAll' ? (after: number) => target.readAll(after, 1) : Reflect.get(target, property)),
    });
    const seen: unknown[] = [];
    const watched = new Proxy(stores.db, {
      get: (target, property) => (property === 'transaction' ? async (...args: Parameters<typeof target.transaction>) => {
        const result = await target.transaction(...args);
        const sql = "SELECT 'user back' AS seen FROM scim_users WHERE user_id = $1 UNION ALL SELECT 'revoke undone' FROM scim_tokens WHERE digest = 'd1' AND NOT revoked";
        seen.push(...(await target.query(sql, [id])));
        return result;
      } : Reflect.get(target, property)),
    });
    await new ReadModelProjector(watched, oneAtATime, silent).catchUp();
    expect(seen).toEqual([]);
    expect(await stores.users.findById(P, id)).toBeUndefined();
    expect(await stores.db.query('SELECT revoked FROM scim_tokens WHERE digest = $1', ['d1'])).toEqual([{ revoked: true }]);
  });
});
