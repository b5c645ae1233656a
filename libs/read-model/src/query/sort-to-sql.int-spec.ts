import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { ScimError } from '@app/scim/errors/scim-error';
import { parseFilter } from '@app/scim/filter/filter-parser';
import { compileFilter } from './filter-to-sql';
import { compileSort } from './sort-to-sql';
import { CUSTOM, ENTERPRISE, TEST_SCHEMA, openTestReadModel } from './scim-users.fixture';

let db: PgliteDatabase;
beforeAll(async () => {
  db = await openTestReadModel();
});
afterAll(() => db.close());

async function sorted(sortBy: string | undefined, sortOrder?: string, page?: { offset: number; limit: number }): Promise<string[]> {
  const paging = page ? ` LIMIT ${page.limit} OFFSET ${page.offset}` : '';
  const rows = await db.query<{ user_id: string }>(
    `SELECT u.user_id FROM scim_users u WHERE u.provider_id = $1 ORDER BY ${compileSort(TEST_SCHEMA, sortBy, sortOrder)}${paging}`,
    ['p1'],
  );
  return rows.map((r) => r.user_id);
}

describe('compileSort against PostgreSQL', () => {
  it.each<[string, string[]]>([
    // case-insensitive: "carol" sorts between "Bob" and "Eve"; absent values last
    ['name.givenName', ['u1', 'u2', 'u3', 'u5', 'u6', 'u4']],
    ['urn:ietf:params:scim:schemas:core:2.0:User:name.givenName', ['u1', 'u2', 'u3', 'u5', 'u6', 'u4']],
    ['NAME.GIVENNAME', ['u1', 'u2', 'u3', 'u5', 'u6', 'u4']],
    // caseExact, in code-point order: "EXT-ALICE" before "ext-Alice"
    ['externalId', ['u3', 'u1', 'u2', 'u6', 'u4', 'u5']],
    // ties broken by id
    ['department', ['u2', 'u6', 'u3', 'u1', 'u5', 'u4']],
    ['userName', ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']],
    // multi-valued: the primary element (u5's is its second email), else the first
    ['emails', ['u5', 'u1', 'u2', 'u3', 'u4', 'u6']],
    ['emails.value', ['u5', 'u1', 'u2', 'u3', 'u4', 'u6']],
    ['emails.type', ['u3', 'u5', 'u1', 'u2', 'u4', 'u6']],
    // complex without sub-attribute: its value; extension attributes qualified or not
    ['manager', ['u3', 'u1', 'u2', 'u4', 'u5', 'u6']],
    [`${ENTERPRISE}:manager.value`, ['u3', 'u1', 'u2', 'u4', 'u5', 'u6']],
    [`${CUSTOM}:JobCode`, ['u1', 'u2', 'u5', 'u3', 'u4', 'u6']],
    ['active', ['u2', 'u6', 'u1', 'u4', 'u5', 'u3']],
    ['meta.created', ['u6', 'u1', 'u2', 'u3', 'u4', 'u5']],
    ['meta.lastModified', ['u6', 'u2', 'u1', 'u4', 'u3', 'u5']],
    ['id', ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']],
  ])('sortBy=%s ascending', async (sortBy, expected) => {
    expect(await sorted(sortBy)).toEqual(expected);
    expect(await sorted(sortBy, 'ascending')).toEqual(expected);
  });

  it.each(['name.givenName', 'externalId', 'department', 'emails', 'emails.type', 'manager', 'active', 'meta.created', 'displayName'])(
    'sortBy=%s descending is the exact reverse, absent values first',
    async (sortBy) => {
      const ascending = await sorted(sortBy, 'ascending');
      expect(await sorted(sortBy, 'DESCENDING')).toEqual([...ascending].reverse());
    },
  );

  it('orders by id alone without sortBy, whatever sortOrder says', async () => {
    expect(compileSort(TEST_SCHEMA, undefined, undefined)).toBe('u.user_id ASC');
    expect(await sorted(undefined, 'descending')).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    expect(await sorted('  ', undefined)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
  });

  it('pages consistently: consecutive pages concatenate to the full order', async () => {
    const all = await sorted('department', 'descending');
    const pages = [await sorted('department', 'descending', { offset: 0, limit: 4 }), await sorted('department', 'descending', { offset: 4, limit: 4 })];
    expect(pages.flat()).toEqual(all);
  });

  it('combines with a compiled filter', async () => {
    const fragment = compileFilter(TEST_SCHEMA, parseFilter('emails pr'), 2);
    const rows = await db.query<{ user_id: string }>(
      `SELECT u.user_id FROM scim_users u WHERE u.provider_id = $1 AND (${fragment.sql}) ORDER BY ${compileSort(TEST_SCHEMA, 'emails', 'descending')}`,
      ['p1', ...fragment.params],
    );
    expect(rows.map((r) => r.user_id)).toEqual(['u3', 'u2', 'u1', 'u5']);
  });

  it.each<[string | undefined, string | undefined]>([
    ['userName', 'up'],
    ['userName', 'asc'],
    [undefined, 'sideways'],
    ['nope', undefined],
    ['name', undefined],
    ['name.nope', undefined],
    ['a.b.c', undefined],
    ['meta', undefined],
    ['meta.version', undefined],
    ['password', undefined],
    ['urn:example:unknown:2.0:User:userName', undefined],
    ['userName eq "x"', undefined],
    ["userName'); DROP TABLE scim_users; --", undefined],
  ])('rejects sortBy=%s sortOrder=%s with invalidValue', (sortBy, sortOrder) => {
    let error: unknown;
    try {
      compileSort(TEST_SCHEMA, sortBy, sortOrder);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });
});
