import { DomainEvent } from '../shared/event-envelope';

interface ProviderRef {
  readonly providerId: string;
}

export type IdentityProviderRegistered = DomainEvent<'IdentityProviderRegistered', ProviderRef & { readonly displayName: string }>;
export type ScimEnabled = DomainEvent<'ScimEnabled', ProviderRef>;
export type ScimDisabled = DomainEvent<'ScimDisabled', ProviderRef>;
/** Only the token's SHA-256 digest is ever recorded; the secret is shown once to whoever issued it. */
export type TokenIssued = DomainEvent<'TokenIssued', ProviderRef & { readonly tokenId: string; readonly digest: string }>;
export type TokenRevoked = DomainEvent<'TokenRevoked', ProviderRef & { readonly tokenId: string }>;
export type CustomAttributeRegistered = DomainEvent<'CustomAttributeRegistered', ProviderRef & { readonly attribute: string }>;

export type IdentityProviderEvent =
  | IdentityProviderRegistered
  | ScimEnabled
  | ScimDisabled
  | TokenIssued
  | TokenRevoked
  | CustomAttributeRegistered;

export const IDENTITY_PROVIDER_EVENT_TYPES: readonly IdentityProviderEvent['type'][] = [
  'IdentityProviderRegistered',
  'ScimEnabled',
  'ScimDisabled',
  'TokenIssued',
  'TokenRevoked',
  'CustomAttributeRegistered',
];

const PROVIDER_TYPES: ReadonlySet<string> = new Set(IDENTITY_PROVIDER_EVENT_TYPES);

/** Narrows an event read from the log to an IdP event by its type. */
export function isIdentityProviderEvent(event: { readonly type: string; readonly data: unknown }): event is IdentityProviderEvent {
  return PROVIDER_TYPES.has(event.type);
}
