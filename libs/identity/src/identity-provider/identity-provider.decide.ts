import { CUSTOM_ATTRIBUTE_TYPES, CustomAttributeType } from '@app/scim/schema/custom-attribute';
import { parseCustomAttributeName } from '@app/scim/schema/user-schema';
import { DomainError } from '../shared/domain-error';
import { isValidProviderId } from './provider-id';
import { IdentityProviderEvent, TokenIssued } from './identity-provider.events';
import { evolveIdentityProvider, IdentityProviderState, IssuedToken, sameName } from './identity-provider.state';
import { checkRotationOverlap, isoTimestamp } from './token-lifetime';
import { ALL_TOKEN_SCOPES, normalizeTokenScopes } from './token-scopes';

type Registered = Extract<IdentityProviderState, { status: 'registered' }>;
type Decision = (state: IdentityProviderState) => IdentityProviderEvent[];

/**
 * A token to issue: without scopes it holds all of them, without expiresAt it never expires, and
 * without issuedAt the IdP writer records the time of the write.
 */
export type TokenToIssue = Omit<TokenIssued['data'], 'providerId'>;

const LABEL_MAX_LENGTH = 200;

/** A retired id stays taken: tokens and URLs handed out for it must never open another IdP. */
export function decideRegister(state: IdentityProviderState, providerId: string, displayName: string): IdentityProviderEvent[] {
  if (state.status !== 'absent') throw new DomainError('PROVIDER_ALREADY_REGISTERED', `Identity provider ${providerId} exists${state.retired ? ' (retired)' : ''}`);
  if (!isValidProviderId(providerId)) {
    throw new DomainError('PROVIDER_ID_INVALID', 'A provider id is 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  return [{ type: 'IdentityProviderRegistered', data: { providerId, displayName } }];
}

export function decideEnableScim(state: IdentityProviderState): IdentityProviderEvent[] {
  const provider = requireActive(state);
  return provider.scimEnabled ? [] : [{ type: 'ScimEnabled', data: { providerId: provider.providerId } }];
}

export function decideDisableScim(state: IdentityProviderState): IdentityProviderEvent[] {
  const provider = requireActive(state);
  return provider.scimEnabled ? [{ type: 'ScimDisabled', data: { providerId: provider.providerId } }] : [];
}

/** Final; retiring a retired IdP changes nothing. */
export function decideRetire(state: IdentityProviderState): IdentityProviderEvent[] {
  const provider = requireRegistered(state);
  return provider.retired ? [] : [{ type: 'IdentityProviderRetired', data: { providerId: provider.providerId } }];
}

export function decideSetRebaselineMatchingPosts(state: IdentityProviderState, enabled: boolean): IdentityProviderEvent[] {
  const provider = requireActive(state);
  if (provider.rebaselineMatchingPosts === enabled) return [];
  return [{ type: 'ProvisioningSettingsChanged', data: { providerId: provider.providerId, rebaselineMatchingPosts: enabled } }];
}

/** Idempotent for a live token with the same digest (a start-up bootstrap, a retried write). */
export function decideIssueToken(state: IdentityProviderState, token: TokenToIssue): IdentityProviderEvent[] {
  const provider = requireActive(state);
  if (provider.tokens.some((t) => t.digest === token.digest && !t.revoked)) return [];
  const label = token.label?.trim();
  if (label !== undefined && (label.length > LABEL_MAX_LENGTH || /\p{Cc}/u.test(label))) {
    throw new DomainError('TOKEN_LABEL_INVALID', `A token label is at most ${LABEL_MAX_LENGTH} characters, without control characters`);
  }
  const data = {
    providerId: provider.providerId,
    tokenId: token.tokenId,
    digest: token.digest,
    scopes: normalizeTokenScopes(token.scopes ?? ALL_TOKEN_SCOPES),
    ...(token.expiresAt !== undefined ? { expiresAt: isoTimestamp(token.expiresAt, 'The expiry') } : {}),
    ...(label ? { label } : {}),
    ...(token.issuedAt !== undefined ? { issuedAt: isoTimestamp(token.issuedAt, 'The time of issue') } : {}),
  };
  return [{ type: 'TokenIssued', data }];
}

export function decideRevokeToken(state: IdentityProviderState, tokenId: string): IdentityProviderEvent[] {
  const provider = requireActive(state);
  const token = requireToken(provider, tokenId);
  return token.revoked ? [] : [{ type: 'TokenRevoked', data: { providerId: provider.providerId, tokenId } }];
}

/**
 * A new token with the old one's scopes and label (and, if it expires, its lifetime counted from
 * `now`), while the old one keeps working until `overlapEndsAt`, so Entra can be given the new one
 * without a failed cycle. An expired token may be rotated (a renewal); a revoked or rotated one not.
 */
export function decideRotateToken(
  state: IdentityProviderState,
  tokenId: string,
  replacement: { readonly tokenId: string; readonly digest: string },
  overlapEndsAt: string,
  now: string,
): IdentityProviderEvent[] {
  const provider = requireActive(state);
  const old = requireToken(provider, tokenId);
  if (old.revoked) throw new DomainError('TOKEN_REVOKED', `Token ${tokenId} was revoked; issue a new one`);
  if (old.replacedBy) throw new DomainError('TOKEN_ALREADY_ROTATED', `Token ${tokenId} was already rotated; rotate ${old.replacedBy} instead`);
  checkRotationOverlap(now, overlapEndsAt);
  const expiresAt = successorExpiry(old, now);
  const issued = decideIssueToken(provider, { ...replacement, scopes: old.scopes, label: old.label, expiresAt, issuedAt: now });
  if (issued.length === 0) throw new DomainError('TOKEN_ALREADY_ROTATED', 'The new token is live already');
  return [...issued, { type: 'TokenRotated', data: { providerId: provider.providerId, tokenId, replacedBy: replacement.tokenId, expiresAt: isoTimestamp(overlapEndsAt, 'The overlap end') } }];
}

/**
 * Registering is idempotent and case-insensitive, as SCIM attribute names are (RFC 7643 §2.1); a
 * name in force with another type must be retired first (its stored values were taken as that type).
 */
export function decideRegisterCustomAttribute(state: IdentityProviderState, name: string, type: CustomAttributeType = 'string'): IdentityProviderEvent[] {
  const provider = requireActive(state);
  const attribute = name.trim();
  checkCustomAttributeName(attribute);
  if (!CUSTOM_ATTRIBUTE_TYPES.includes(type)) {
    throw new DomainError('CUSTOM_ATTRIBUTE_INVALID', `"${String(type)}" is not an attribute type; the types are ${CUSTOM_ATTRIBUTE_TYPES.join(', ')}`);
  }
  const known = provider.customAttributes.find((a) => sameName(a.name, attribute));
  if (known && known.type !== type) {
    throw new DomainError('CUSTOM_ATTRIBUTE_ALREADY_REGISTERED', `${known.name} is registered as ${known.type}; retire it before registering it as ${type}`);
  }
  return known ? [] : [{ type: 'CustomAttributeRegistered', data: { providerId: provider.providerId, attribute, type } }];
}

/** Stops accepting the attribute; the values already recorded stay in the history. */
export function decideRetireCustomAttribute(state: IdentityProviderState, name: string): IdentityProviderEvent[] {
  const provider = requireActive(state);
  const known = provider.customAttributes.find((a) => sameName(a.name, name.trim()));
  if (!known) throw new DomainError('CUSTOM_ATTRIBUTE_NOT_FOUND', `No custom attribute "${name.trim()}" is registered`);
  return [{ type: 'CustomAttributeRetired', data: { providerId: provider.providerId, attribute: known.name } }];
}

/** Runs several decisions in sequence, each seeing the events of the ones before. */
export function decideAll(state: IdentityProviderState, decisions: readonly Decision[]): IdentityProviderEvent[] {
  const events: IdentityProviderEvent[] = [];
  for (const decide of decisions) {
    const produced = decide(state);
    state = produced.reduce(evolveIdentityProvider, state);
    events.push(...produced);
  }
  return events;
}

function checkCustomAttributeName(name: string): void {
  try {
    parseCustomAttributeName(name);
  } catch (error) {
    throw new DomainError('CUSTOM_ATTRIBUTE_INVALID', (error as Error).message);
  }
}

/** The old token's lifetime from `now`; without a recorded time of issue, the old token's own expiry. */
function successorExpiry(old: IssuedToken, now: string): string | undefined {
  if (old.expiresAt === undefined || old.issuedAt === undefined) return old.expiresAt;
  return new Date(Date.parse(now) + Date.parse(old.expiresAt) - Date.parse(old.issuedAt)).toISOString();
}

function requireRegistered(state: IdentityProviderState): Registered {
  if (state.status !== 'registered') throw new DomainError('PROVIDER_NOT_FOUND', 'Identity provider not found');
  return state;
}

function requireActive(state: IdentityProviderState): Registered {
  const provider = requireRegistered(state);
  if (provider.retired) throw new DomainError('PROVIDER_RETIRED', `Identity provider ${provider.providerId} is retired`);
  return provider;
}

function requireToken(provider: Registered, tokenId: string): IssuedToken {
  const token = provider.tokens.find((t) => t.tokenId === tokenId);
  if (!token) throw new DomainError('TOKEN_NOT_FOUND', `Token ${tokenId} not found`);
  return token;
}
