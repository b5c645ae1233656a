import type { CustomAttributeType } from '@app/scim/schema/custom-attribute';
import { DomainEvent } from '../shared/event-envelope';
import type { TokenScope } from './token-scopes';

interface ProviderRef {
  readonly providerId: string;
}

export type IdentityProviderRegistered = DomainEvent<'IdentityProviderRegistered', ProviderRef & { readonly displayName: string }>;
export type ScimEnabled = DomainEvent<'ScimEnabled', ProviderRef>;
export type ScimDisabled = DomainEvent<'ScimDisabled', ProviderRef>;
/** Final: the IdP's routes answer 404, its tokens stop working, and its id is never registered again. */
export type IdentityProviderRetired = DomainEvent<'IdentityProviderRetired', ProviderRef>;
/**
 * Only the token's SHA-256 digest is ever recorded; the secret is shown once to whoever issued it.
 * Tokens issued before scopes existed have none recorded and hold every scope; without expiresAt a
 * token never expires. issuedAt is the time of the write (the IdP writer records it).
 */
export type TokenIssued = DomainEvent<
  'TokenIssued',
  ProviderRef & {
    readonly tokenId: string;
    readonly digest: string;
    readonly scopes?: readonly TokenScope[];
    readonly expiresAt?: string;
    readonly label?: string;
    readonly issuedAt?: string;
  }
>;
export type TokenRevoked = DomainEvent<'TokenRevoked', ProviderRef & { readonly tokenId: string }>;
/** The old token (tokenId) keeps working until expiresAt, the end of the overlap, then answers 401. */
export type TokenRotated = DomainEvent<'TokenRotated', ProviderRef & { readonly tokenId: string; readonly replacedBy: string; readonly expiresAt: string }>;
/** Attributes registered before types existed have none recorded and are strings. */
export type CustomAttributeRegistered = DomainEvent<'CustomAttributeRegistered', ProviderRef & { readonly attribute: string; readonly type?: CustomAttributeType }>;
export type CustomAttributeRetired = DomainEvent<'CustomAttributeRetired', ProviderRef & { readonly attribute: string }>;
export type ProvisioningSettingsChanged = DomainEvent<'ProvisioningSettingsChanged', ProviderRef & { readonly rebaselineMatchingPosts: boolean }>;

export type IdentityProviderEvent =
  | IdentityProviderRegistered
  | ScimEnabled
  | ScimDisabled
  | IdentityProviderRetired
  | TokenIssued
  | TokenRevoked
  | TokenRotated
  | CustomAttributeRegistered
  | CustomAttributeRetired
  | ProvisioningSettingsChanged;

export const IDENTITY_PROVIDER_EVENT_TYPES: readonly IdentityProviderEvent['type'][] = [
  'IdentityProviderRegistered',
  'ScimEnabled',
  'ScimDisabled',
  'IdentityProviderRetired',
  'TokenIssued',
  'TokenRevoked',
  'TokenRotated',
  'CustomAttributeRegistered',
  'CustomAttributeRetired',
  'ProvisioningSettingsChanged',
];

const PROVIDER_TYPES: ReadonlySet<string> = new Set(IDENTITY_PROVIDER_EVENT_TYPES);

/** Narrows an event read from the log to an IdP event by its type. */
export function isIdentityProviderEvent(event: { readonly type: string; readonly data: unknown }): event is IdentityProviderEvent {
  return PROVIDER_TYPES.has(event.type);
}
