import type { PgliteDatabase } from '@app/platform/database/pglite-database';
import { parseFilter } from '@app/scim/filter/filter-parser';
import { DEFAULT_SCIM_LIMITS } from '@app/scim/limits/scim-limits';
import fc from 'fast-check';
import { compileFilter } from '../query/filter-to-sql';
import { TEST_SCHEMA, TEST_USERS, openTestReadModel } from '../query/scim-users.fixture';
import { seedSyntheticUsers } from '../query/synthetic-users';
import { UserQuery, UserReadModel } from './user-read-model';

// Leaves that match some, all or none of the users, combined at random below.
const LEAVES = [
  'userName co "user1"',
  'userName sw "u"',
  'userName ew ".com"',
  'displayName co "2"',
  'emails[type eq "home"]',
  'emails[type eq "work"].value co "3@"',
  'title pr',
  'active eq true',
  'externalId eq "ext-7"',
  'userName co "%"',
  'meta.created gt "2024-01-01T00:00:00Z"',
  'name.givenName pr',
];
const FILTERS = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'filter' },
    fc.constantFrom(...LEAVES),
    fc.tuple(tie('filter'), tie('filter')).map(([l, r]) => `(${l}) and (${r})`),
    fc.tuple(tie('filter'), tie('filter')).map(([l, r]) => `(${l}) or (${r})`),
    tie('filter').map((f) => `not (${f})`),
  ),
})).filter;

let db: PgliteDatabase;
beforeAll(async () => {
  db = await openTestReadModel(TEST_USERS);
  await seedSyntheticUsers(db, { p1: 60, p2: 10 });
  // Users awaiting re-provisioning are no part of an IdP's reads, in batches or not.
  await db.query("UPDATE scim_users SET awaiting_reprovision = true WHERE provider_id = 'p1' AND user_id IN ('user-00004', 'user-00031', 'user-00060')");
});
afterAll(() => db.close());

function query(filter: string | undefined, startIndex: number, count: number): UserQuery {
  const where = filter === undefined ? undefined : compileFilter(TEST_SCHEMA, parseFilter(filter, DEFAULT_SCIM_LIMITS), 2);
  return { where, orderBy: 'u.user_id ASC', startIndex, count };
}

describe('a scan in keyset batches', () => {
  it('answers exactly what one statement answers: totalResults, the page and its order, for any filter, page and batch size', async () => {
    const oneStatement = new UserReadModel(db);
    await fc.assert(
      fc.asyncProperty(
        fc.option(FILTERS, { nil: undefined }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        async (filter, startIndex, count, batchRows) => {
          const batched = new UserReadModel(db, { firstBatchRows: batchRows, fixedBatchRows: true });
          const q = query(filter, startIndex, count);
          expect(await batched.list('p1', { ...q, scan: true })).toEqual(await oneStatement.list('p1', q));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers an empty page, not an error, for a startIndex beyond any integer column', async () => {
    const page = await new UserReadModel(db, { firstBatchRows: 7 }).list('p1', { ...query('userName sw "u"', 1e20, 10), scan: true });
    expect(page.rows).toEqual([]);
    expect(page.totalResults).toBeGreaterThan(0);
  });

  it('sizes batches by time as well: the same answer as one statement', async () => {
    const q = query('userName co "user" or title pr', 3, 25);
    expect(await new UserReadModel(db, { firstBatchRows: 2 }).list('p1', { ...q, scan: true })).toEqual(await new UserReadModel(db).list('p1', q));
  });

  it('awaits betweenBatches before each batch but the first', async () => {
    const statements: string[] = [];
    const recording = { ...db, query: <Row>(sql: string, params?: readonly unknown[]) => (statements.push(sql), db.query<Row>(sql, params)) } as PgliteDatabase;
    let pauses = 0;
    const page = await new UserReadModel(recording, { firstBatchRows: 10, fixedBatchRows: true }).list('p1', { ...query(undefined, 1, 5), scan: true, betweenBatches: async () => void (pauses += 1) });
    expect(page.rows).toHaveLength(5);
    // 57 synthetic and the fixture's p1 users, seen by p1, in batches of 10: the last batch is short.
    expect(statements.length).toBe(Math.floor(page.totalResults / 10) + 1);
    expect(pauses).toBe(statements.length - 1);
  });

  it('keeps one statement for a sorted search (the batches go in user_id order)', async () => {
    const statements: string[] = [];
    const recording = { ...db, query: <Row>(sql: string, params?: readonly unknown[]) => (statements.push(sql), db.query<Row>(sql, params)) } as PgliteDatabase;
    const sorted = { ...query('userName sw "u"', 1, 10), orderBy: 'lower(u.attributes->>\'userName\') ASC NULLS LAST, u.user_id ASC', scan: true };
    await new UserReadModel(recording, { firstBatchRows: 3, fixedBatchRows: true }).list('p1', sorted);
    expect(statements).toHaveLength(2);
    expect(statements.join('\n')).not.toContain('WITH batch');
  });
});
