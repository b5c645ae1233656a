import type { AttributeChange } from '@app/scim/patch/apply-patch';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { DomainEvent } from '../shared/event-envelope';

interface UserRef {
  readonly providerId: string;
  readonly userId: string;
}

export type UserProvisioned = DomainEvent<'UserProvisioned', UserRef & { readonly attributes: UserAttributes }>;
/** The resolved change set of one PATCH, per top-level attribute: replay never re-runs SCIM PATCH logic. */
export type AttributesPatched = DomainEvent<'AttributesPatched', UserRef & { readonly changes: readonly AttributeChange[] }>;
/** A PUT: every attribute but `active`, whose changes are their own events. */
export type UserReplaced = DomainEvent<'UserReplaced', UserRef & { readonly attributes: UserAttributes }>;
export type UserDeactivated = DomainEvent<'UserDeactivated', UserRef>;
export type UserReactivated = DomainEvent<'UserReactivated', UserRef>;
export type UserDeleted = DomainEvent<'UserDeleted', UserRef>;

export type UserEvent =
  | UserProvisioned
  | AttributesPatched
  | UserReplaced
  | UserDeactivated
  | UserReactivated
  | UserDeleted;

export const USER_EVENT_TYPES: readonly UserEvent['type'][] = [
  'UserProvisioned',
  'AttributesPatched',
  'UserReplaced',
  'UserDeactivated',
  'UserReactivated',
  'UserDeleted',
];

const USER_TYPES: ReadonlySet<string> = new Set(USER_EVENT_TYPES);

/** Narrows an event read from the log to a user event by its type (the log only holds what deciders produced). */
export function isUserEvent(event: { readonly type: string; readonly data: unknown }): event is UserEvent {
  return USER_TYPES.has(event.type);
}
