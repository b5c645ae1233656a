import type { NewEvent, RecordedEvent } from '@app/event-store/event-store.port';
import type { RowStatement } from '@app/event-store/postgres/postgres-event-store.adapter';
import { ADMINISTRATOR_EVENT_TYPES } from '@app/identity/administrator/administrator.events';
import { IDENTITY_PROVIDER_EVENT_TYPES } from '@app/identity/identity-provider/identity-provider.events';
import { USER_EVENT_TYPES, UserEvent } from '@app/identity/user/user.events';
import { evolveUser, foldUser } from '@app/identity/user/user.state';
import type { SqlExecutor } from '@app/platform/database/sql-database';
import { forgetAdministrators, projectAdministratorEvent } from './administrator.projection';
import { forgetIdentityProvider, projectIdentityProviderEvent } from './identity-provider.projection';
import { changedUserRow, forgetUser, projectUserEvent, provisionedUserRow } from './scim-user.projection';

const userTypes = new Set<string>(USER_EVENT_TYPES);
const providerTypes = new Set<string>(IDENTITY_PROVIDER_EVENT_TYPES);
const administratorTypes = new Set<string>(ADMINISTRATOR_EVENT_TYPES);

/** Whether the event builds read-model rows (reservation events, for one, do not). */
export function isProjected(event: RecordedEvent): boolean {
  return userTypes.has(event.type) || providerTypes.has(event.type) || administratorTypes.has(event.type);
}

/** Applies one event to the read model; does nothing for events it does not project. */
export async function projectEvent(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
  if (userTypes.has(event.type)) await projectUserEvent(tx, event);
  else if (providerTypes.has(event.type)) await projectIdentityProviderEvent(tx, event);
  else if (administratorTypes.has(event.type)) await projectAdministratorEvent(tx, event);
}

/**
 * The user's row as `event` leaves it when appended at `expected` (a new stream, or the revision
 * `history` ends at), derived from the event and `history` with the projection's own fold, so a
 * write can build it without reading the row first; undefined for other events and streams. The
 * statement returns a row only when the row was where `history` left it.
 */
export function userRowWrittenBy(event: NewEvent, expected: 'noStream' | number, history: readonly RecordedEvent[]): RowStatement | undefined {
  if (!userTypes.has(event.type)) return undefined;
  const userEvent = event as unknown as UserEvent;
  if (expected === 'noStream') return userEvent.type === 'UserProvisioned' ? provisionedUserRow(userEvent, 0, event.metadata.occurredAt) : undefined;
  if (history.at(-1)?.revision !== expected || !history.every((e) => userTypes.has(e.type))) return undefined;
  const before = foldUser(history as unknown as UserEvent[]);
  if (before.status !== 'present') return undefined;
  return changedUserRow(userEvent, evolveUser(before, userEvent), expected, expected + 1, event.metadata.occurredAt);
}

/** Removes what the stream of `first` built, so its events can be applied again from the start. */
export async function forgetStream(tx: SqlExecutor, first: RecordedEvent): Promise<void> {
  const { providerId, userId } = first.data as { providerId: string; userId?: string };
  if (userTypes.has(first.type)) await forgetUser(tx, providerId, userId ?? '');
  else if (providerTypes.has(first.type)) await forgetIdentityProvider(tx, providerId);
  else if (administratorTypes.has(first.type)) await forgetAdministrators(tx);
}
