import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { ScimError } from '@app/scim/errors/scim-error';
import { Filter } from '@app/scim/filter/filter-ast';
import { eq } from '@app/scim/filter/filter-builders';
import { parseFilter } from '@app/scim/filter/filter-parser';
import { compileFilter } from './filter-to-sql';
import { ENTERPRISE, CUSTOM, TEST_SCHEMA, openTestReadModel } from './scim-users.fixture';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ALL = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];

let db: PgliteDatabase;
beforeAll(async () => {
  db = await openTestReadModel();
});
afterAll(() => db.close());

async function select(filter: Filter | string, providerId = 'p1'): Promise<string[]> {
  const fragment = compileFilter(TEST_SCHEMA, typeof filter === 'string' ? parseFilter(filter) : filter, 2);
  const rows = await db.query<{ user_id: string }>(
    `SELECT u.user_id FROM scim_users u WHERE u.provider_id = $1 AND (${fragment.sql}) ORDER BY u.user_id`,
    [providerId, ...fragment.params],
  );
  return rows.map((r) => r.user_id);
}

describe('compileFilter against PostgreSQL', () => {
  it.each<[string, string[]]>([
    // Entra ID's own filters
    ['userName eq "alice.smith@CONTOSO.com"', ['u1']],
    ['USERNAME Eq dave', ['u4']],
    ['externalId eq "ext-Alice"', ['u1']],
    ['externalId eq "EXT-alice"', []],
    ['emails[type eq "work"].value eq "BOB@contoso.com"', ['u2']],
    [`id eq "u2" and ${ENTERPRISE}:manager eq "u6"`, ['u2']],
    [`id eq "u3" and ${ENTERPRISE}:manager eq "u6"`, []],
    ['manager eq "u6"', ['u1', 'u2']],
    ['manager.value eq "U6"', ['u3']],
    ['roles[primary eq "True"]', ['u1']],
    ['roles[primary eq "False"]', ['u2']],
    // every operator on strings, case-insensitive unless caseExact
    ['userName ne "dave"', ['u1', 'u2', 'u3', 'u5', 'u6']],
    ['externalId ne "ext-Alice"', ['u2', 'u3', 'u4', 'u5', 'u6']],
    ['userName co "ADMIN"', ['u3', 'u5']],
    ['userName sw "EVE"', ['u5']],
    ['userName ew "@CONTOSO.COM"', ['u1', 'u2', 'u5']],
    ['name.givenName gt "c"', ['u3', 'u5', 'u6']],
    ['name.givenName ge "carol"', ['u3', 'u5', 'u6']],
    ['name.givenName lt "Carol"', ['u1', 'u2']],
    ['name.givenName le "Bob"', ['u1', 'u2']],
    ['externalId gt "ext"', ['u1', 'u2', 'u6']],
    ['employeeNumber eq 100', ['u1']],
    ['employeeNumber gt 150', ['u5']],
    // LIKE metacharacters are literal
    ['userName co "%"', ['u3']],
    ['userName co "_"', ['u5']],
    ['title co "_"', ['u1', 'u5']],
    ['title eq "SALES_LEAD"', ['u1', 'u5']],
    ['displayName sw "100%_"', ['u3']],
    ['emails co "%100"', ['u5']],
    ['userName sw "%"', []],
    ['userName co "\\\\"', []],
    ['displayName co "\'"', ['u2']],
    // injection-looking values are just values
    [`userName eq "x' OR 1=1 --"`, []],
    [`displayName co "'; DROP TABLE scim_users; --"`, []],
    [`userName eq "\\" OR \\"1\\"=\\"1"`, []],
    // presence and null
    ['name.familyName pr', ['u1', 'u5']],
    ['displayName pr', ['u1', 'u2', 'u3', 'u6']],
    ['emails pr', ['u1', 'u2', 'u3', 'u5']],
    ['name pr', ['u1', 'u2', 'u3', 'u5', 'u6']],
    ['manager pr', ['u1', 'u2', 'u3']],
    ['manager.displayName pr', ['u2']],
    ['emails.primary pr', ['u1', 'u2', 'u5']],
    ['id pr', ALL],
    ['externalId eq null', ['u4', 'u5']],
    ['externalId ne null', ['u1', 'u2', 'u3', 'u6']],
    // booleans
    ['active eq true', ['u1', 'u4', 'u5']],
    ['active eq "True"', ['u1', 'u4', 'u5']],
    ['active eq false', ['u2', 'u6']],
    ['active ne true', ['u2', 'u3', 'u6']],
    // multi-valued attributes: any element matches
    ['emails co "contoso"', ['u1', 'u2', 'u5']],
    ['emails eq "ALICE@contoso.com"', ['u1']],
    ['emails ne "alice@contoso.com"', ['u2', 'u3', 'u4', 'u5', 'u6']],
    ['emails.value ew "@fabrikam.com"', ['u3']],
    ['emails.type eq "home"', ['u1', 'u3']],
    ['emails.primary eq true', ['u1', 'u2', 'u5']],
    // value paths: one element must satisfy the whole inner filter
    ['emails[type eq "work" and value co "@contoso"]', ['u1', 'u2', 'u5']],
    ['emails[type eq "work" and value co "home"]', []],
    ['emails[type eq "home" or primary eq true]', ['u1', 'u2', 'u3', 'u5']],
    ['emails[not (type eq "work")]', ['u1', 'u3', 'u5']],
    ['emails[type eq "work"] and emails[type eq "home"]', ['u1']],
    // the email values index narrows; the exact test decides (type, element, case)
    ['emails[type eq "other"].value eq "adams.EVE%100@X.com"', ['u5']],
    ['emails[value eq "eve@contoso.com" and type eq "home"]', []],
    ['emails[type eq "work"].value eq "CAROL_X@fabrikam.com"', []],
    ['emails.value eq "carol_x@FABRIKAM.com" or userName eq "frank"', ['u3', 'u6']],
    ['not (emails[type eq "work"].value eq "alice@contoso.com")', ['u2', 'u3', 'u4', 'u5', 'u6']],
    ['name[givenName eq "alice" or familyName eq "adams"]', ['u1', 'u5']],
    ['not (name[givenName eq "alice"])', ['u2', 'u3', 'u4', 'u5', 'u6']],
    // extensions, qualified and not, standard and custom
    [`${ENTERPRISE}:department eq "sales"`, ['u1', 'u5']],
    ['DEPARTMENT eq "SALES"', ['u1', 'u5']],
    [`${ENTERPRISE}:manager.value eq "u6"`, ['u1', 'u2']],
    [`${CUSTOM}:JobCode eq "J-100"`, ['u1', 'u2']],
    ['jobcode sw "x"', ['u5']],
    // core URN-qualified
    [`${CORE}:userName eq "BOB@contoso.com"`, ['u2']],
    [`${CORE}:name.givenName eq "bob"`, ['u2']],
    [`${CORE}:id eq "u1"`, ['u1']],
    [`${CORE}:meta.created lt "2024-01-01T00:00:00Z"`, ['u6']],
    // id and meta
    ['id eq "u1"', ['u1']],
    ['id eq "U1"', []],
    ['id eq "u7"', []],
    ['meta.created gt "2024-03-05T00:00:00Z"', ['u3', 'u4', 'u5']],
    ['meta.created ge "2024-03-05T00:00:00Z"', ['u2', 'u3', 'u4', 'u5']],
    ['meta.created eq "2024-01-10T09:00:00+01:00"', ['u1']],
    ['meta.created lt "2024-01-10T08:00:00.001Z"', ['u1', 'u6']],
    ['meta.lastModified lt "2024-06-01T00:00:00Z"', ['u2', 'u6']],
    ['meta.lastModified le "2024-06-01T00:00:00Z"', ['u1', 'u2', 'u6']],
    ['meta.lastModified gt "2024-12-31"', ['u3', 'u5']],
    ['meta.resourceType eq "User"', ALL],
    ['meta.resourceType eq "Group"', []],
    // logic and grouping
    ['userName sw "a" or userName sw "b"', ['u1', 'u2']],
    ['not (userName sw "a" or userName sw "b")', ['u3', 'u4', 'u5', 'u6']],
    ['active eq true and (emails.type eq "work" or department eq "sales")', ['u1', 'u5']],
    ['userName eq "dave" or userName eq "frank" and active eq true', ['u4']],
    ['(userName eq "dave" or userName eq "frank") and active eq false', ['u6']],
    ['not (externalId pr)', ['u4', 'u5']],
    ['not (active eq true)', ['u2', 'u3', 'u6']],
    ['not (not (active eq true))', ['u1', 'u4', 'u5']],
  ])('%s', async (filter, expected) => {
    expect(await select(filter)).toEqual(expected);
  });

  it('keeps other providers out', async () => {
    expect(await select('userName eq "alice.smith@contoso.com"', 'p2')).toEqual(['u7']);
    expect(await select(`${CUSTOM}:JobCode eq "J-100"`, 'p2')).toEqual(['u8']);
  });

  it('passes every value as a parameter, numbered from firstParam', () => {
    const fragment = compileFilter(TEST_SCHEMA, parseFilter(`userName eq "x' OR 1=1 --" or emails[value co "50%"]`), 4);
    expect(fragment.params).toEqual(["x' OR 1=1 --", '%50\\%%']);
    expect(fragment.sql).toContain('$4::text');
    expect(fragment.sql).toContain('$5::text');
    expect(fragment.sql).not.toContain('OR 1=1');
  });

  it('uses the index expressions of the read-model migration for userName and externalId', () => {
    expect(compileFilter(TEST_SCHEMA, eq('userName', 'a'), 2).sql).toBe(`lower((u.attributes->>'userName')) = lower($2::text)`);
    expect(compileFilter(TEST_SCHEMA, eq('externalId', 'a'), 2).sql).toBe(`(u.attributes->>'externalId') = $2::text`);
  });

  it('leaves the table intact after injection-looking values', async () => {
    await select(`userName eq "'); DELETE FROM scim_users; --"`);
    expect(await db.query('SELECT 1 FROM scim_users')).toHaveLength(8);
  });
});

describe('compileFilter rejects what it cannot answer with invalidFilter', () => {
  it.each([
    'nope eq "x"',
    'name.nope eq "x"',
    'userName.sub eq "x"',
    'id.sub eq "x"',
    'name eq "x"',
    'name co "x"',
    'emails[nope eq "x"]',
    'emails[value.sub eq "x"]',
    'userName[value eq "x"]',
    'emails.value[value eq "x"]',
    'active eq "maybe"',
    'active eq 1',
    'active gt true',
    'active co "t"',
    'emails[primary sw "t"]',
    'meta.created gt "not a date"',
    'meta.created gt "2024-02-30T00:00:00Z"',
    'meta.created gt "2024-01-01T25:00:00Z"',
    'meta.created eq 5',
    'meta.created co "2024"',
    'meta eq "x"',
    'meta.version eq "W/\\"1\\""',
    'meta.location pr',
    'password eq "secret"',
    'urn:example:unknown:2.0:User:userName eq "x"',
    `${ENTERPRISE}:userName eq "x"`,
    `${CORE}:department eq "x"`,
    'userName gt null',
    'x509Certificates gt "a"',
  ])('%s', (filter) => {
    let error: unknown;
    try {
      compileFilter(TEST_SCHEMA, parseFilter(filter), 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});
