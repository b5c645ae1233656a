import { IdentityProviderEvent } from './identity-provider.events';
import { evolveIdentityProvider, foldIdentityProvider, initialIdentityProviderState } from './identity-provider.state';

const providerId = 'entra-contoso';
const registered: IdentityProviderEvent = { type: 'IdentityProviderRegistered', data: { providerId, displayName: 'Contoso' } };
const ALL = ['users:read', 'users:write', 'users:delete'];

describe('evolveIdentityProvider / foldIdentityProvider', () => {
  it('starts absent', () => {
    expect(foldIdentityProvider([])).toEqual({ status: 'absent' });
  });

  // Events recorded before scopes, expiry, types and retirement existed: every scope, no expiry, strings.
  it('folds a provider of old-shape events through its whole life', () => {
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
      retired: false,
      rebaselineMatchingPosts: false,
      tokens: [
        { tokenId: 't1', digest: 'd1', revoked: true, scopes: ALL },
        { tokenId: 't2', digest: 'd2', revoked: false, scopes: ALL },
      ],
      customAttributes: [{ name: 'urn:x:Ext:2.0:User:A', type: 'string' }],
      retiredAttributes: [],
    });
  });

  it('folds the admin plane: scoped, expiring, rotated tokens, typed and retired attributes, settings, retirement', () => {
    expect(
      foldIdentityProvider([
        registered,
        { type: 'TokenIssued', data: { providerId, tokenId: 't1', digest: 'd1', scopes: ['users:read'], label: 'Entra', issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-04-01T00:00:00.000Z' } },
        { type: 'TokenIssued', data: { providerId, tokenId: 't2', digest: 'd2', scopes: ['users:read'], label: 'Entra', issuedAt: '2026-03-01T00:00:00.000Z', expiresAt: '2026-05-31T00:00:00.000Z' } },
        { type: 'TokenRotated', data: { providerId, tokenId: 't1', replacedBy: 't2', expiresAt: '2026-03-02T00:00:00.000Z' } },
        { type: 'CustomAttributeRegistered', data: { providerId, attribute: 'JobCode', type: 'integer' } },
        { type: 'CustomAttributeRegistered', data: { providerId, attribute: 'CostCode', type: 'string' } },
        { type: 'CustomAttributeRetired', data: { providerId, attribute: 'JobCode' } },
        { type: 'ProvisioningSettingsChanged', data: { providerId, rebaselineMatchingPosts: true } },
        { type: 'IdentityProviderRetired', data: { providerId } },
      ]),
    ).toEqual({
      status: 'registered',
      providerId,
      displayName: 'Contoso',
      scimEnabled: false,
      retired: true,
      rebaselineMatchingPosts: true,
      tokens: [
        { tokenId: 't1', digest: 'd1', revoked: false, scopes: ['users:read'], label: 'Entra', issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-03-02T00:00:00.000Z', replacedBy: 't2' },
        { tokenId: 't2', digest: 'd2', revoked: false, scopes: ['users:read'], label: 'Entra', issuedAt: '2026-03-01T00:00:00.000Z', expiresAt: '2026-05-31T00:00:00.000Z' },
      ],
      customAttributes: [{ name: 'CostCode', type: 'string' }],
      retiredAttributes: ['JobCode'],
    });
  });

  it('ignores a second registration of the same id', () => {
    const state = foldIdentityProvider([registered, { type: 'IdentityProviderRetired', data: { providerId } }]);
    expect(evolveIdentityProvider(state, { type: 'IdentityProviderRegistered', data: { providerId, displayName: 'again' } })).toBe(state);
  });

  it.each<IdentityProviderEvent>([
    { type: 'ScimEnabled', data: { providerId } },
    { type: 'IdentityProviderRetired', data: { providerId } },
    { type: 'TokenIssued', data: { providerId, tokenId: 't1', digest: 'd1' } },
    { type: 'TokenRotated', data: { providerId, tokenId: 't1', replacedBy: 't2', expiresAt: '2026-03-02T00:00:00.000Z' } },
    { type: 'CustomAttributeRegistered', data: { providerId, attribute: 'urn:x:Ext:2.0:User:A' } },
    { type: 'CustomAttributeRetired', data: { providerId, attribute: 'urn:x:Ext:2.0:User:A' } },
    { type: 'ProvisioningSettingsChanged', data: { providerId, rebaselineMatchingPosts: true } },
  ])('ignores $type before registration', (event) => {
    expect(evolveIdentityProvider(initialIdentityProviderState, event)).toBe(initialIdentityProviderState);
  });

  it('does not mutate the state it folds from', () => {
    const before = foldIdentityProvider([
      registered,
      { type: 'TokenIssued', data: { providerId, tokenId: 't1', digest: 'd1' } },
      { type: 'CustomAttributeRegistered', data: { providerId, attribute: 'urn:x:Ext:2.0:User:A' } },
    ]);
    const snapshot = structuredClone(before);
    evolveIdentityProvider(before, { type: 'TokenRevoked', data: { providerId, tokenId: 't1' } });
    evolveIdentityProvider(before, { type: 'TokenRotated', data: { providerId, tokenId: 't1', replacedBy: 't2', expiresAt: '2026-03-02T00:00:00.000Z' } });
    evolveIdentityProvider(before, { type: 'CustomAttributeRegistered', data: { providerId, attribute: 'urn:x:Ext:2.0:User:B' } });
    evolveIdentityProvider(before, { type: 'CustomAttributeRetired', data: { providerId, attribute: 'urn:x:Ext:2.0:User:A' } });
    expect(before).toEqual(snapshot);
  });
});
