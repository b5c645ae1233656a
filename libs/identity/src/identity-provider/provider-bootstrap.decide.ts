import { decideAll, decideEnableScim, decideIssueToken, decideRegister, decideRegisterCustomAttribute } from './identity-provider.decide';
import { IdentityProviderEvent } from './identity-provider.events';
import { IdentityProviderState, sameName } from './identity-provider.state';

/** What the SCIM_BOOTSTRAP_* settings ask for at every start; the token arrives as its digest only. */
export interface ProviderBootstrap {
  readonly providerId: string;
  readonly tokenDigest?: string;
  readonly customAttributes: readonly string[];
}

/** The bootstrap token's id, derived from its digest so that every start names the same token. */
export function bootstrapTokenId(digest: string): string {
  return `bootstrap-${digest.slice(0, 12)}`;
}

/** Registers the IdP with SCIM enabled only when it does not exist yet: a disable made since stays. */
export function decideBootstrapProvider(state: IdentityProviderState, providerId: string): IdentityProviderEvent[] {
  if (state.status !== 'absent') return [];
  return decideAll(state, [(s) => decideRegister(s, providerId, providerId), decideEnableScim]);
}

/** Issues the bootstrap token once, with every scope and no expiry: a token with its digest, live or revoked since, is never issued again. */
export function decideBootstrapToken(state: IdentityProviderState, digest: string): IdentityProviderEvent[] {
  if (state.status === 'registered' && state.tokens.some((t) => t.digest === digest)) return [];
  return decideIssueToken(state, { tokenId: bootstrapTokenId(digest), digest });
}

/** Registers a configured attribute (as a string) when missing, unless an administrator retired it since. */
export function decideBootstrapAttribute(state: IdentityProviderState, name: string): IdentityProviderEvent[] {
  // Also left alone when registered with another type: an administrator's choice since.
  const known = state.status === 'registered' && [...state.retiredAttributes, ...state.customAttributes.map((a) => a.name)].some((n) => sameName(n, name.trim()));
  return known ? [] : decideRegisterCustomAttribute(state, name);
}

/**
 * Everything a start with SCIM_BOOTSTRAP_* creates when it is missing, and nothing that undoes an
 * operator: a retired IdP stays retired (the caller warns).
 */
export function decideBootstrap(state: IdentityProviderState, bootstrap: ProviderBootstrap): IdentityProviderEvent[] {
  if (state.status === 'registered' && state.retired) return [];
  const { providerId, tokenDigest, customAttributes } = bootstrap;
  return decideAll(state, [
    (s) => decideBootstrapProvider(s, providerId),
    (s) => (tokenDigest ? decideBootstrapToken(s, tokenDigest) : []),
    ...customAttributes.map((name) => (s: IdentityProviderState) => decideBootstrapAttribute(s, name)),
  ]);
}

/** The id of the token with this digest when an operator revoked it, so the start can warn instead of reviving it. */
export function revokedTokenWithDigest(state: IdentityProviderState, digest: string): string | undefined {
  if (state.status !== 'registered') return undefined;
  return state.tokens.find((t) => t.digest === digest && t.revoked)?.tokenId;
}
