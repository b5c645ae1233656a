import { parseCustomAttributeName } from '@app/scim/schema/user-schema';
import { DomainError } from '../shared/domain-error';
import { isValidProviderId } from './provider-id';
import { IdentityProviderEvent } from './identity-provider.events';
import { evolveIdentityProvider, IdentityProviderState } from './identity-provider.state';

type Registered = Extract<IdentityProviderState, { status: 'registered' }>;

export function decideRegister(state: IdentityProviderState, providerId: string, displayName: string): IdentityProviderEvent[] {
  if (state.status !== 'absent') throw new DomainError('PROVIDER_ALREADY_REGISTERED', `Identity provider ${providerId} exists`);
  if (!isValidProviderId(providerId)) {
    throw new DomainError('PROVIDER_ID_INVALID', 'A provider id is 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  return [{ type: 'IdentityProviderRegistered', data: { providerId, displayName } }];
}

export function decideEnableScim(state: IdentityProviderState): IdentityProviderEvent[] {
  const provider = requireRegistered(state);
  return provider.scimEnabled ? [] : [{ type: 'ScimEnabled', data: { providerId: provider.providerId } }];
}

export function decideDisableScim(state: IdentityProviderState): IdentityProviderEvent[] {
  const provider = requireRegistered(state);
  return provider.scimEnabled ? [{ type: 'ScimDisabled', data: { providerId: provider.providerId } }] : [];
}

export function decideIssueToken(state: IdentityProviderState, tokenId: string, digest: string): IdentityProviderEvent[] {
  const provider = requireRegistered(state);
  if (provider.tokens.some((t) => t.digest === digest && !t.revoked)) return [];
  return [{ type: 'TokenIssued', data: { providerId: provider.providerId, tokenId, digest } }];
}

export function decideRevokeToken(state: IdentityProviderState, tokenId: string): IdentityProviderEvent[] {
  const provider = requireRegistered(state);
  const token = provider.tokens.find((t) => t.tokenId === tokenId);
  if (!token) throw new DomainError('TOKEN_NOT_FOUND', `Token ${tokenId} not found`);
  return token.revoked ? [] : [{ type: 'TokenRevoked', data: { providerId: provider.providerId, tokenId } }];
}

/** Registering is idempotent and case-insensitive, as SCIM attribute names are (RFC 7643 §2.1). */
export function decideRegisterCustomAttribute(state: IdentityProviderState, name: string): IdentityProviderEvent[] {
  const provider = requireRegistered(state);
  const attribute = name.trim();
  parseCustomAttributeName(attribute);
  const known = provider.customAttributes.some((a) => a.toLowerCase() === attribute.toLowerCase());
  return known ? [] : [{ type: 'CustomAttributeRegistered', data: { providerId: provider.providerId, attribute } }];
}

/** Runs several decisions in sequence, each seeing the events of the ones before. */
export function decideAll(
  state: IdentityProviderState,
  decisions: readonly ((s: IdentityProviderState) => IdentityProviderEvent[])[],
): IdentityProviderEvent[] {
  const events: IdentityProviderEvent[] = [];
  for (const decide of decisions) {
    const produced = decide(state);
    state = produced.reduce(evolveIdentityProvider, state);
    events.push(...produced);
  }
  return events;
}

function requireRegistered(state: IdentityProviderState): Registered {
  if (state.status !== 'registered') throw new DomainError('PROVIDER_NOT_FOUND', 'Identity provider not found');
  return state;
}
