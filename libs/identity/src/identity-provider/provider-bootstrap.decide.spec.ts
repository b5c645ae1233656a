import type { CustomAttributeType } from '@app/scim/schema/custom-attribute';
import { deciderSpec } from '@app/testing/decider-spec';
import { CUSTOM } from '@app/testing/entra-payloads';
import { IdentityProviderEvent } from './identity-provider.events';
import { evolveIdentityProvider, foldIdentityProvider, IdentityProviderState, initialIdentityProviderState } from './identity-provider.state';
import {
  bootstrapTokenId,
  decideBootstrap,
  decideBootstrapProvider,
  decideBootstrapToken,
  ProviderBootstrap,
  revokedTokenWithDigest,
} from './provider-bootstrap.decide';
import { ALL_TOKEN_SCOPES } from './token-scopes';

type BootstrapCommand =
  | { readonly type: 'BootstrapProvider' }
  | { readonly type: 'BootstrapToken'; readonly digest: string }
  | { readonly type: 'Bootstrap'; readonly bootstrap: ProviderBootstrap };

const providerId = 'entra-contoso';
const digest = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2';
const tokenId = 'bootstrap-a1b2c3d4e5f6';
const jobCode = `${CUSTOM}:JobCode`;

const spec = deciderSpec<IdentityProviderState, BootstrapCommand, IdentityProviderEvent>({
  decide: (command, state) => {
    switch (command.type) {
      case 'BootstrapProvider':
        return decideBootstrapProvider(state, providerId);
      case 'BootstrapToken':
        return decideBootstrapToken(state, command.digest);
      case 'Bootstrap':
        return decideBootstrap(state, command.bootstrap);
    }
  },
  evolve: evolveIdentityProvider,
  initialState: () => initialIdentityProviderState,
});

const registered: IdentityProviderEvent = { type: 'IdentityProviderRegistered', data: { providerId, displayName: providerId } };
const enabled: IdentityProviderEvent = { type: 'ScimEnabled', data: { providerId } };
const disabled: IdentityProviderEvent = { type: 'ScimDisabled', data: { providerId } };
const issued = (id: string, d: string): IdentityProviderEvent => ({ type: 'TokenIssued', data: { providerId, tokenId: id, digest: d, scopes: [...ALL_TOKEN_SCOPES] } });
const retired: IdentityProviderEvent = { type: 'IdentityProviderRetired', data: { providerId } };
const revoked = (id: string): IdentityProviderEvent => ({ type: 'TokenRevoked', data: { providerId, tokenId: id } });
const attributeRegistered = (attribute: string, type: CustomAttributeType = 'string'): IdentityProviderEvent => ({
  type: 'CustomAttributeRegistered',
  data: { providerId, attribute, type },
});
const attributeRetired = (attribute: string): IdentityProviderEvent => ({ type: 'CustomAttributeRetired', data: { providerId, attribute } });
const bootstrapToken: BootstrapCommand = { type: 'BootstrapToken', digest };
const everything: BootstrapCommand = { type: 'Bootstrap', bootstrap: { providerId, tokenDigest: digest, customAttributes: [jobCode] } };

describe('SCIM_BOOTSTRAP_PROVIDER_ID', () => {
  it('registers a missing IdP and enables SCIM for it', () => {
    spec.given([]).when({ type: 'BootstrapProvider' }).then([registered, enabled]);
  });

  it.each<[string, IdentityProviderEvent[]]>([
    ['enabled', [registered, enabled]],
    ['disabled by an operator since', [registered, enabled, disabled]],
    ['registered by an operator and never enabled', [registered]],
  ])('leaves an IdP that exists alone: %s', (_case, given) => {
    spec.given(given).when({ type: 'BootstrapProvider' }).thenNothingHappened();
  });
});

describe('SCIM_BOOTSTRAP_TOKEN', () => {
  it('issues the token, under an id derived from its digest, when the IdP has never had it', () => {
    spec.given([registered, enabled]).when(bootstrapToken).then([issued(tokenId, digest)]);
    expect(bootstrapTokenId(digest)).toBe(tokenId);
  });

  it('issues it next to tokens an operator issued', () => {
    spec.given([registered, enabled, issued('cli-1', 'other')]).when(bootstrapToken).then([issued(tokenId, digest)]);
  });

  it('does nothing while the token is live', () => {
    spec.given([registered, enabled, issued(tokenId, digest)]).when(bootstrapToken).thenNothingHappened();
  });

  it('never brings back a token revoked since', () => {
    spec.given([registered, enabled, issued(tokenId, digest), revoked(tokenId)]).when(bootstrapToken).thenNothingHappened();
  });

  it('needs the IdP', () => {
    spec.given([]).when(bootstrapToken).thenThrows('PROVIDER_NOT_FOUND');
  });
});

describe('SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES with the rest', () => {
  it('creates everything on a first start', () => {
    spec.given([]).when(everything).then([registered, enabled, issued(tokenId, digest), attributeRegistered(jobCode)]);
  });

  it('registers only the attributes that are missing', () => {
    const more: BootstrapCommand = {
      type: 'Bootstrap',
      bootstrap: { providerId, tokenDigest: digest, customAttributes: [jobCode, `${CUSTOM}:CostCode`] },
    };
    spec.given([registered, enabled, issued(tokenId, digest), attributeRegistered(jobCode)]).when(more).then([attributeRegistered(`${CUSTOM}:CostCode`)]);
  });

  it('adds nothing on a restart with the same settings', () => {
    spec.given([registered, enabled, issued(tokenId, digest), attributeRegistered(jobCode)]).when(everything).thenNothingHappened();
  });

  it('keeps a disable and a revoke made since, and still adds what is missing', () => {
    spec
      .given([registered, enabled, issued(tokenId, digest), disabled, revoked(tokenId)])
      .when(everything)
      .thenState({
        status: 'registered',
        providerId,
        displayName: providerId,
        scimEnabled: false,
        retired: false,
        rebaselineMatchingPosts: false,
        tokens: [{ tokenId, digest, revoked: true, scopes: ALL_TOKEN_SCOPES }],
        customAttributes: [{ name: jobCode, type: 'string' }],
        retiredAttributes: [],
      });
  });

  it('leaves a retired IdP retired: no token, no attribute, no enable', () => {
    spec.given([registered, enabled, disabled, retired]).when(everything).thenNothingHappened();
    spec.given([registered, retired]).when({ type: 'BootstrapProvider' }).thenNothingHappened();
  });

  it('never registers again an attribute an administrator retired', () => {
    spec.given([registered, enabled, issued(tokenId, digest), attributeRegistered(jobCode), attributeRetired(jobCode)]).when(everything).thenNothingHappened();
  });

  it('leaves an attribute an administrator retired and registered again, as another type', () => {
    const reRegistered = [registered, enabled, issued(tokenId, digest), attributeRegistered(jobCode), attributeRetired(jobCode), attributeRegistered(jobCode.toLowerCase(), 'integer')];
    spec.given(reRegistered).when(everything).thenNothingHappened();
  });

  it('leaves an attribute an administrator registered with another type', () => {
    spec.given([registered, enabled, issued(tokenId, digest), attributeRegistered(jobCode, 'boolean')]).when(everything).thenNothingHappened();
  });

  it('issues no token when none is configured', () => {
    spec.given([]).when({ type: 'Bootstrap', bootstrap: { providerId, customAttributes: [] } }).then([registered, enabled]);
  });
});

describe('revokedTokenWithDigest', () => {
  it.each<[string, IdentityProviderEvent[], string | undefined]>([
    ['names a revoked token', [registered, issued(tokenId, digest), revoked(tokenId)], tokenId],
    ['ignores a live one', [registered, issued(tokenId, digest)], undefined],
    ['ignores another digest', [registered, issued('cli-1', 'other'), revoked('cli-1')], undefined],
    ['needs the IdP', [], undefined],
  ])('%s', (_case, given, expected) => {
    expect(revokedTokenWithDigest(foldIdentityProvider(given), digest)).toBe(expected);
  });
});
