import type { RecordedEvent } from '@app/event-store/event-store.port';
import type { RowStatement } from '@app/event-store/postgres/postgres-event-store.adapter';
import { UserEvent, UserProvisioned } from '@app/identity/user/user.events';
import { evolveUser, UserState } from '@app/identity/user/user.state';
import type { SqlExecutor } from '@app/platform/database/sql-database';

/**
 * Keeps one scim_users row per live user; a row's version is the revision of the last event applied.
 * A user awaiting re-provisioning keeps its row, flagged (SCIM reads skip it, the admin's find does not).
 */
export async function projectUserEvent(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const event = { type: recorded.type, data: recorded.data } as UserEvent;
  const { providerId, userId } = event.data;
  const at = recorded.metadata.occurredAt ?? recorded.recordedAt.toISOString();
  if (event.type === 'UserProvisioned') {
    const row = provisionedUserRow(event, recorded.revision, at);
    await tx.query(row.sql, row.params);
    return;
  }
  const [row] = await tx.query<{ attributes: Record<string, unknown>; version: number; awaiting_reprovision: boolean }>(
    'SELECT attributes, version, awaiting_reprovision FROM scim_users WHERE provider_id = $1 AND user_id = $2 FOR UPDATE',
    [providerId, userId],
  );
  if (!row || Number(row.version) >= recorded.revision) return;
  const before: UserState = { status: 'present', providerId, userId, attributes: row.attributes, awaitingReprovision: row.awaiting_reprovision };
  const change = changedUserRow(event, evolveUser(before, event), Number(row.version), recorded.revision, at);
  await tx.query(change.sql, change.params);
}

/**
 * The statement that takes the user's row from `version` to the state `after` its event, at
 * `revision` and time `at` (removes it when the user is gone): returns the row when it was at `version`.
 */
export function changedUserRow(event: UserEvent, after: UserState, version: number, revision: number, at: string): RowStatement {
  const { providerId, userId } = event.data;
  if (after.status !== 'present') {
    return { sql: 'DELETE FROM scim_users WHERE provider_id = $1 AND user_id = $2 AND version = $3 RETURNING user_id', params: [providerId, userId, version] };
  }
  return {
    sql: `UPDATE scim_users SET user_name = $3, external_id = $4, attributes = $5, version = $6, last_modified_at = $7, awaiting_reprovision = $8
      WHERE provider_id = $1 AND user_id = $2 AND version = $9 RETURNING user_id`,
    params: [providerId, userId, after.attributes.userName, after.attributes.externalId ?? null, JSON.stringify(after.attributes), revision, at, after.awaitingReprovision, version],
  };
}

/** The user's row as its UserProvisioned event makes it, at `revision`, `at` its creation time: returned when inserted. */
export function provisionedUserRow(event: UserProvisioned, revision: number, at: string): RowStatement {
  const { providerId, userId, attributes } = event.data;
  return {
    sql: `INSERT INTO scim_users (provider_id, user_id, user_name, external_id, attributes, version, created_at, last_modified_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (provider_id, user_id) DO NOTHING RETURNING user_id`,
    params: [providerId, userId, attributes.userName, attributes.externalId ?? null, JSON.stringify(attributes), revision, at],
  };
}

/** Removes the user's row, so its stream can be applied again from the first event (re-projection). */
export async function forgetUser(tx: SqlExecutor, providerId: string, userId: string): Promise<void> {
  await tx.query('DELETE FROM scim_users WHERE provider_id = $1 AND user_id = $2', [providerId, userId]);
}
