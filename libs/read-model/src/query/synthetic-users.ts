import type { SqlExecutor } from '@app/platform/database/sql-database';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The id of synthetic user `i` (1-based): ids sort in the order of `i`. */
export const syntheticUserId = (i: number) => `user-${String(i).padStart(5, '0')}`;

/**
 * Synthetic user `i` has userName and work email `User<i>@Contoso.com`, home email
 * `u<i>@home.example`, externalId `ext-<i>` and manager `syntheticUserId(i / 10)`.
 */
export const syntheticUserName = (i: number) => `User${i}@Contoso.com`;

/**
 * Writes `count` synthetic users per IdP straight into the read model (no events: for query plans
 * and read benchmarks, not for anything that needs the log) and refreshes the planner's statistics.
 */
export async function seedSyntheticUsers(db: SqlExecutor, counts: Readonly<Record<string, number>>): Promise<void> {
  for (const [providerId, count] of Object.entries(counts)) {
    await db.query(
      `INSERT INTO scim_users (provider_id, user_id, user_name, external_id, attributes, version, created_at, last_modified_at)
       SELECT $1, 'user-' || lpad(i::text, 5, '0'), 'User' || i || '@Contoso.com', 'ext-' || i,
              jsonb_build_object(
                'userName', 'User' || i || '@Contoso.com',
                'externalId', 'ext-' || i,
                'active', true,
                'displayName', 'User ' || i,
                'emails', jsonb_build_array(
                  jsonb_build_object('type', 'work', 'value', 'User' || i || '@Contoso.com', 'primary', true),
                  jsonb_build_object('type', 'home', 'value', 'u' || i || '@home.example')),
                '${ENTERPRISE}', jsonb_build_object('manager', jsonb_build_object('value', 'user-' || lpad((i / 10)::text, 5, '0')))),
              1, now(), now()
         FROM generate_series(1, $2::int) AS i`,
      [providerId, count],
    );
  }
  await db.exec('ANALYZE scim_users');
}
