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
