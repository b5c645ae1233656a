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
/** An administrator removed values the IdP never clears (Entra omits them instead): the resolved change set, as AttributesPatched. */
export type AttributesCleared = DomainEvent<'AttributesCleared', UserRef & { readonly changes: readonly AttributeChange[] }>;
/** An administrator asked the IdP to provision the user afresh: hidden from the IdP until its next POST for it. */
export type ReprovisionRequested = DomainEvent<'ReprovisionRequested', UserRef>;
/** A POST re-baselined an existing user: exactly the POSTed attributes, omitted ones cleared, `active` as sent or true. */
export type UserReprovisioned = DomainEvent<'UserReprovisioned', UserRef & { readonly attributes: UserAttributes }>;

export type UserEvent =
  | UserProvisioned
  | AttributesPatched
  | UserReplaced
  | UserDeactivated
  | UserReactivated
  | UserDeleted
  | AttributesCleared
  | ReprovisionRequested
  | UserReprovisioned;

/** Every user event type once; the compiler checks the list is complete. */
const EVERY_TYPE: Record<UserEvent['type'], true> = {
  UserProvisioned: true,
  AttributesPatched: true,
  UserReplaced: true,
  UserDeactivated: true,
  UserReactivated: true,
  UserDeleted: true,
  AttributesCleared: true,
  ReprovisionRequested: true,
  UserReprovisioned: true,
};

export const USER_EVENT_TYPES = Object.keys(EVERY_TYPE) as readonly UserEvent['type'][];

const USER_TYPES: ReadonlySet<string> = new Set(USER_EVENT_TYPES);

/** Narrows an event read from the log to a user event by its type (the log only holds what deciders produced). */
export function isUserEvent(event: { readonly type: string; readonly data: unknown }): event is UserEvent {
  return USER_TYPES.has(event.type);
}
