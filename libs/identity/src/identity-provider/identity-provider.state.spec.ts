import { IdentityProviderEvent } from './identity-provider.events';
import { evolveIdentityProvider, foldIdentityProvider, initialIdentityProviderState } from './identity-provider.state';

const providerId = 'entra-contoso';
const registered: IdentityProviderEvent = { type: 'IdentityProviderRegistered', data: { providerId, displayName: 'Contoso' } };

describe('evolveIdentityProvider / foldIdentityProvider', () => {
  it('starts absent', () => {
    expect(foldIdentityProvider([])).toEqual({ status: 'absent' });
  });

  it('folds a provider through its whole life', () => {
    expect(
      foldIdentityProvider([
        registered,
        { type: 'ScimEnabled', data: { providerId } },
        { type: 'TokenIssued', data: { providerId, tokenId: 't1', digest: 'd1' } },
        { type: 'TokenIssued', data: { providerId, tokenId: 't2', digest: 'd2' } },
        { type: 'TokenRevoked', data: { providerId, tokenId: 't1' } },
        { type: 'CustomAttributeRegistered', data: { providerId, attribute: 'urn:x:Ext:2.0:User:A' } },
        { type: 'ScimDisabled', data: { providerId } },
      ]),
    ).toEqual({
      status: 'registered',
      providerId,
      displayName: 'Contoso',
      scimEnabled: false,
      tokens: [
        { tokenId: 't1', digest: 'd1', revoked: true },
        { tokenId: 't2', digest: 'd2', revoked: false },
      ],
      customAttributes: ['urn:x:Ext:2.0:User:A'],
    });
  });

  it.each<IdentityProviderEvent>([
    { type: 'ScimEnabled', data: { providerId } },
    { type: 'TokenIssued', data: { providerId, tokenId: 't1', digest: 'd1' } },
    { type: 'CustomAttributeRegistered', data: { providerId, attribute: 'urn:x:Ext:2.0:User:A' } },
  ])('ignores $type before registration', (event) => {
    expect(evolveIdentityProvider(initialIdentityProviderState, event)).toBe(initialIdentityProviderState);
  });

  it('does not mutate the state it folds from', () => {
    const before = foldIdentityProvider([registered, { type: 'TokenIssued', data: { providerId, tokenId: 't1', digest: 'd1' } }]);
    const snapshot = structuredClone(before);
    evolveIdentityProvider(before, { type: 'TokenRevoked', data: { providerId, tokenId: 't1' } });
    evolveIdentityProvider(before, { type: 'CustomAttributeRegistered', data: { providerId, attribute: 'urn:x:Ext:2.0:User:A' } });
    expect(before).toEqual(snapshot);
  });
});
