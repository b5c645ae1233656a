import type { RecordedEvent } from '@app/event-store/event-store.port';
import { StreamIds } from '@app/identity/shared/stream-ids';
import type { UserEvent } from '@app/identity/user/user.events';
import { createLogger } from '@app/platform/logging/logger';
import { storageTargets } from '@app/testing/postgres-target';
import { randomUUID } from 'node:crypto';
import { openStores, Stores } from '../open-stores';
import { projectEvent } from '../projections/read-model.projection';

const P = 'admin-idp';
const OTHER = 'other-idp';
const silent = createLogger('silent');
const targets = storageTargets().filter((t) => t.name !== 'esdb-test-double');
const everyone = { orderBy: 'u.user_id', startIndex: 1, count: 100 };

describe.each(targets.map((t) => [t.name, t] as const))('the user read model of users awaiting re-provisioning on %s', (_name, target) => {
  let stores: Stores;
  let position = 0;
  beforeEach(async () => {
    stores = await openStores({ dataDir: ':memory:', databaseUrl: await target.freshDatabase?.() }, silent);
  });
  afterEach(() => stores.close());

  /** Projects each event of one user's history in order, each twice: a replay changes nothing. */
  async function project(providerId: string, userId: string, events: readonly UserEvent[]): Promise<void> {
    const recorded = events.map(
      (event, revision): RecordedEvent => ({
        ...event,
        id: randomUUID(),
        metadata: { occurredAt: new Date(Date.UTC(2026, 11, 1, 0, revision)).toISOString() },
        streamId: StreamIds.user(providerId, userId),
        revision,
        position: ++position,
        recordedAt: new Date(),
      }),
    );
    for (const event of recorded) {
      await stores.db.transaction((tx) => projectEvent(tx, event));
      await stores.db.transaction((tx) => projectEvent(tx, event));
    }
  }

  async function provision(providerId: string, attributes: Record<string, unknown>, ...later: ((ref: { providerId: string; userId: string }) => UserEvent)[]) {
    const ref = { providerId, userId: randomUUID() };
    await project(providerId, ref.userId, [{ type: 'UserProvisioned', data: { ...ref, attributes } }, ...later.map((next) => next(ref))]);
    return ref.userId;
  }
  const requested = (ref: { providerId: string; userId: string }): UserEvent => ({ type: 'ReprovisionRequested', data: ref });
  const ada = { userName: 'Ada@contoso.com', externalId: 'ada', title: 'Analyst', emails: [{ value: 'Ada@Contoso.com', type: 'work' }, { value: 'ada@home.example' }] };

  it('hides a user awaiting re-provisioning from every SCIM read of its IdP, and the admin still finds it', async () => {
    const hidden = await provision(P, ada, requested);
    const visible = await provision(P, { userName: 'grace@contoso.com', externalId: 'grace', emails: [{ value: 'ada@home.example' }] });

    expect(await stores.users.findById(P, hidden)).toBeUndefined();
    expect(await stores.users.list(P, everyone)).toMatchObject({ totalResults: 1, rows: [{ userId: visible }] });
    const byUserName = { ...everyone, where: { sql: "lower(u.attributes->>'userName') = lower($2)", params: ['ada@contoso.com'] } };
    expect(await stores.users.list(P, byUserName)).toEqual({ totalResults: 0, rows: [] });

    for (const [by, value] of [['userName', 'ADA@contoso.com'], ['email', 'ada@CONTOSO.com'], ['externalId', 'ada']] as const) {
      expect(await stores.users.findFor(P, by, value)).toMatchObject([{ userId: hidden, awaitingReprovision: true, version: 1, attributes: ada }]);
    }
    expect((await stores.users.findFor(P, 'email', 'ADA@home.example')).map((u) => u.userId).sort()).toEqual([hidden, visible].sort());
    expect(await stores.users.findFor(P, 'externalId', 'ADA')).toEqual([]);
    expect(await stores.users.findFor(OTHER, 'userName', 'ada@contoso.com')).toEqual([]);
  });

  it('shows the user again, exactly as re-provisioned, after UserReprovisioned', async () => {
    const rebaselined = { userName: 'ada@contoso.com', externalId: 'ada', active: true };
    const userId = await provision(P, ada, requested, (ref) => ({ type: 'UserReprovisioned', data: { ...ref, attributes: rebaselined } }));

    expect(await stores.users.findById(P, userId)).toMatchObject({ version: 2, attributes: rebaselined });
    expect(await stores.users.findFor(P, 'userName', 'ada@contoso.com')).toMatchObject([{ userId, awaitingReprovision: false }]);
  });

  it('applies an administrator clear like a PATCH', async () => {
    const userId = await provision(P, ada, (ref) => ({ type: 'AttributesCleared', data: { ...ref, changes: [{ attribute: 'title', oldValue: 'Analyst' }] } }));

    const row = await stores.users.findById(P, userId);
    expect(row).toMatchObject({ version: 1 });
    expect(row?.attributes).not.toHaveProperty('title');
  });

  it('keeps users of another IdP apart: the same values there are not hidden', async () => {
    await provision(P, ada, requested);
    const elsewhere = await provision(OTHER, ada);
    expect(await stores.users.findById(OTHER, elsewhere)).toBeDefined();
    expect((await stores.users.list(OTHER, everyone)).totalResults).toBe(1);
  });
});
