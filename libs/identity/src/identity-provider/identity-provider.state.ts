import type { CustomAttribute } from '@app/scim/schema/custom-attribute';
import { IdentityProviderEvent } from './identity-provider.events';
import { ALL_TOKEN_SCOPES, TokenScope } from './token-scopes';

export interface IssuedToken {
  readonly tokenId: string;
  readonly digest: string;
  readonly revoked: boolean;
  readonly scopes: readonly TokenScope[];
  readonly label?: string;
  readonly issuedAt?: string;
  /** When it stops working: its lifetime's end, or the end of a rotation's overlap if earlier. */
  readonly expiresAt?: string;
  /** The token a rotation replaced it with. */
  readonly replacedBy?: string;
}

export type IdentityProviderState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'registered';
      readonly providerId: string;
      readonly displayName: string;
      readonly scimEnabled: boolean;
      readonly retired: boolean;
      readonly rebaselineMatchingPosts: boolean;
      readonly tokens: readonly IssuedToken[];
      /** The attributes in force, in registration order. */
      readonly customAttributes: readonly CustomAttribute[];
      /** Names an administrator retired and did not register again: the start-up bootstrap leaves them retired. */
      readonly retiredAttributes: readonly string[];
    };

type Registered = Extract<IdentityProviderState, { status: 'registered' }>;

export const initialIdentityProviderState: IdentityProviderState = { status: 'absent' };

export function evolveIdentityProvider(state: IdentityProviderState, event: IdentityProviderEvent): IdentityProviderState {
  if (event.type === 'IdentityProviderRegistered') {
    if (state.status !== 'absent') return state;
    const { providerId, displayName } = event.data;
    return {
      status: 'registered',
      providerId,
      displayName,
      scimEnabled: false,
      retired: false,
      rebaselineMatchingPosts: false,
      tokens: [],
      customAttributes: [],
      retiredAttributes: [],
    };
  }
  if (state.status !== 'registered') return state;
  switch (event.type) {
    case 'ScimEnabled':
    case 'ScimDisabled':
      return { ...state, scimEnabled: event.type === 'ScimEnabled' };
    case 'IdentityProviderRetired':
      return { ...state, retired: true };
    case 'ProvisioningSettingsChanged':
      return { ...state, rebaselineMatchingPosts: event.data.rebaselineMatchingPosts };
    case 'TokenIssued':
      return { ...state, tokens: [...state.tokens, issuedToken(event.data)] };
    case 'TokenRevoked':
      return updateToken(state, event.data.tokenId, () => ({ revoked: true }));
    case 'TokenRotated': {
      const { replacedBy, expiresAt } = event.data;
      return updateToken(state, event.data.tokenId, (t) => ({ replacedBy, expiresAt: earlier(t.expiresAt, expiresAt) }));
    }
    case 'CustomAttributeRegistered': {
      const attribute = { name: event.data.attribute, type: event.data.type ?? 'string' };
      return { ...state, customAttributes: [...state.customAttributes, attribute], retiredAttributes: without(state.retiredAttributes, attribute.name) };
    }
    case 'CustomAttributeRetired': {
      const { attribute } = event.data;
      const customAttributes = state.customAttributes.filter((a) => !sameName(a.name, attribute));
      return { ...state, customAttributes, retiredAttributes: [...without(state.retiredAttributes, attribute), attribute] };
    }
  }
}

export function foldIdentityProvider(events: readonly IdentityProviderEvent[]): IdentityProviderState {
  return events.reduce(evolveIdentityProvider, initialIdentityProviderState);
}

/** SCIM attribute names compare case-insensitively (RFC 7643 §2.1). */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function issuedToken(data: Extract<IdentityProviderEvent, { type: 'TokenIssued' }>['data']): IssuedToken {
  const { tokenId, digest, scopes, label, issuedAt, expiresAt } = data;
  return {
    tokenId,
    digest,
    revoked: false,
    scopes: scopes ?? ALL_TOKEN_SCOPES,
    ...(label !== undefined ? { label } : {}),
    ...(issuedAt !== undefined ? { issuedAt } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

function updateToken(state: Registered, tokenId: string, change: (token: IssuedToken) => Partial<IssuedToken>): Registered {
  return { ...state, tokens: state.tokens.map((t) => (t.tokenId === tokenId ? { ...t, ...change(t) } : t)) };
}

function earlier(a: string | undefined, b: string): string {
  return a !== undefined && Date.parse(a) < Date.parse(b) ? a : b;
}

function without(names: readonly string[], name: string): string[] {
  return names.filter((n) => !sameName(n, name));
}
