import { DomainEvent } from '../shared/event-envelope';

/** Only the admin token's SHA-256 digest is recorded; the secret is shown once to the administrator who issued it. */
export type AdminTokenIssued = DomainEvent<'AdminTokenIssued', { readonly tokenId: string; readonly digest: string; readonly label: string }>;
export type AdminTokenRevoked = DomainEvent<'AdminTokenRevoked', { readonly tokenId: string }>;

export type AdministratorEvent = AdminTokenIssued | AdminTokenRevoked;

export const ADMINISTRATOR_EVENT_TYPES: readonly AdministratorEvent['type'][] = ['AdminTokenIssued', 'AdminTokenRevoked'];

const ADMINISTRATOR_TYPES: ReadonlySet<string> = new Set(ADMINISTRATOR_EVENT_TYPES);

/** Narrows an event read from the log to an administrators' event by its type. */
export function isAdministratorEvent(event: { readonly type: string; readonly data: unknown }): event is AdministratorEvent {
  return ADMINISTRATOR_TYPES.has(event.type);
}
