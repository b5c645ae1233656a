import { IdentityProviderEvent } from './identity-provider.events';

export interface IssuedToken {
  readonly tokenId: string;
  readonly digest: string;
  readonly revoked: boolean;
}

export type IdentityProviderState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'registered';
      readonly providerId: string;
      readonly displayName: string;
      readonly scimEnabled: boolean;
      readonly tokens: readonly IssuedToken[];
      readonly customAttributes: readonly string[];
    };

export const initialIdentityProviderState: IdentityProviderState = { status: 'absent' };

export function evolveIdentityProvider(state: IdentityProviderState, event: IdentityProviderEvent): IdentityProviderState {
  if (event.type === 'IdentityProviderRegistered') {
    const { providerId, displayName } = event.data;
    return { status: 'registered', providerId, displayName, scimEnabled: false, tokens: [], customAttributes: [] };
  }
  if (state.status !== 'registered') return state;
  switch (event.type) {
    case 'ScimEnabled':
      return { ...state, scimEnabled: true };
    case 'ScimDisabled':
      return { ...state, scimEnabled: false };
    case 'TokenIssued':
      return { ...state, tokens: [...state.tokens, { tokenId: event.data.tokenId, digest: event.data.digest, revoked: false }] };
    case 'TokenRevoked':
      return { ...state, tokens: state.tokens.map((t) => (t.tokenId === event.data.tokenId ? { ...t, revoked: true } : t)) };
    case 'CustomAttributeRegistered':
      return { ...state, customAttributes: [...state.customAttributes, event.data.attribute] };
  }
}

export function foldIdentityProvider(events: readonly IdentityProviderEvent[]): IdentityProviderState {
  return events.reduce(evolveIdentityProvider, initialIdentityProviderState);
}
