import { migrate } from '@app/platform/database/migrations';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { UserSchema } from '@app/scim/schema/user-schema';
import { READ_MODEL_MIGRATIONS } from '../store/read-model.migrations';
import { USER_ADMINISTRATION_MIGRATIONS } from '../store/user-administration.migrations';

// Test data for the query specs; kept out of the spec files so the filter and sort specs share it.

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
export const TEST_SCHEMA = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);

export interface TestUser {
  readonly providerId: string;
  readonly id: string;
  readonly created: string;
  readonly lastModified: string;
  readonly attributes: Record<string, unknown>;
}

const user = (providerId: string, id: string, created: string, lastModified: string, attributes: Record<string, unknown>): TestUser => ({
  providerId,
  id,
  created,
  lastModified,
  attributes,
});

/** Six users of provider p1 (u1..u6) and two of p2 that share values with p1 users and must never leak. */
export const TEST_USERS: readonly TestUser[] = [
  user('p1', 'u1', '2024-01-10T08:00:00Z', '2024-06-01T00:00:00Z', {
    userName: 'Alice.Smith@contoso.com',
    externalId: 'ext-Alice',
    name: { givenName: 'Alice', familyName: 'Smith' },
    displayName: 'Alice Smith',
    title: 'Sales_Lead',
    active: true,
    emails: [
      { type: 'work', value: 'alice@contoso.com', primary: true },
      { type: 'home', value: 'alice@home.example' },
    ],
    roles: [{ value: 'admin', primary: true }],
    [ENTERPRISE]: { department: 'Sales', employeeNumber: '100', manager: { value: 'u6' } },
    [CUSTOM]: { JobCode: 'J-100' },
  }),
  user('p1', 'u2', '2024-03-05T00:00:00Z', '2024-03-05T00:00:00Z', {
    userName: 'bob@contoso.com',
    externalId: 'ext-bob',
    name: { givenName: 'Bob' },
    displayName: "Bob O'Brien",
    title: 'Sales Lead',
    active: false,
    emails: [{ type: 'work', value: 'Bob@Contoso.com', primary: true }],
    roles: [{ value: 'user', primary: false }],
    [ENTERPRISE]: { department: 'Engineering', manager: { value: 'u6', displayName: 'Frank' } },
    [CUSTOM]: { JobCode: 'j-100' },
  }),
  user('p1', 'u3', '2024-05-20T12:30:00Z', '2025-01-01T00:00:00Z', {
    userName: 'carol%admin@fabrikam.com',
    externalId: 'EXT-ALICE',
    name: { givenName: 'carol' },
    displayName: '100%_real',
    emails: [{ type: 'home', value: 'carol_x@fabrikam.com' }],
    [ENTERPRISE]: { department: 'R&D', manager: { value: 'U6' } },
  }),
  user('p1', 'u4', '2024-07-01T00:00:00Z', '2024-07-01T00:00:00Z', {
    userName: 'dave',
    active: true,
    displayName: '',
    emails: [],
  }),
  user('p1', 'u5', '2025-02-01T00:00:00Z', '2025-02-02T00:00:00Z', {
    userName: 'eve_admin@contoso.com',
    name: { givenName: 'Eve', familyName: 'Adams' },
    title: 'sales_lead',
    active: true,
    emails: [
      { type: 'work', value: 'eve@contoso.com' },
      { type: 'other', value: 'Adams.eve%100@x.com', primary: true },
    ],
    [ENTERPRISE]: { department: 'sales', employeeNumber: '200' },
    [CUSTOM]: { JobCode: 'X-9' },
  }),
  user('p1', 'u6', '2023-12-31T23:59:59Z', '2024-01-01T00:00:00Z', {
    userName: 'frank',
    externalId: 'ext-frank',
    name: { givenName: 'Frank' },
    displayName: 'Frank',
    active: false,
    [ENTERPRISE]: { department: 'Engineering' },
  }),
  user('p2', 'u7', '2024-01-10T08:00:00Z', '2024-06-01T00:00:00Z', {
    userName: 'Alice.Smith@contoso.com',
    externalId: 'ext-Alice',
    active: true,
    emails: [{ type: 'work', value: 'alice@contoso.com', primary: true }],
    [ENTERPRISE]: { department: 'Sales', manager: { value: 'u6' } },
  }),
  user('p2', 'u8', '2024-02-01T00:00:00Z', '2024-02-01T00:00:00Z', {
    userName: 'zed',
    [ENTERPRISE]: { department: 'Sales' },
    [CUSTOM]: { JobCode: 'J-100' },
  }),
];

export const P1_USERS = TEST_USERS.filter((u) => u.providerId === 'p1');

/** An in-memory PGlite with the read-model schema and `users` inserted. */
export async function openTestReadModel(users: readonly TestUser[] = TEST_USERS): Promise<PgliteDatabase> {
  const db = await PgliteDatabase.open();
  // PgliteDatabase.query prepares its SQL, and a prepared statement holds one command: apply each alone
  // (the users' tables only: other migrations have statements that a split on ";" would cut).
  const oneStatementEach = [...READ_MODEL_MIGRATIONS, ...USER_ADMINISTRATION_MIGRATIONS].flatMap((m) =>
    m.sql
      .split(';')
      .filter((sql) => sql.trim() !== '')
      .map((sql, i) => ({ id: `${m.id}#${i}`, sql })),
  );
  await migrate(db, oneStatementEach);
  for (const u of users) {
    await db.query(
      `INSERT INTO scim_users (provider_id, user_id, user_name, external_id, attributes, version, created_at, last_modified_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, 1, $6, $7)`,
      [u.providerId, u.id, u.attributes.userName, u.attributes.externalId ?? null, JSON.stringify(u.attributes), u.created, u.lastModified],
    );
  }
  return db;
}
