import { deciderSpec } from '@app/testing/decider-spec';
import { CUSTOM } from '@app/testing/entra-payloads';
import { DomainError } from '../shared/domain-error';
import {
  decideAll,
  decideDisableScim,
  decideEnableScim,
  decideIssueToken,
  decideRegister,
  decideRegisterCustomAttribute,
  decideRevokeToken,
} from './identity-provider.decide';
import { IdentityProviderEvent } from './identity-provider.events';
import { IdentityProviderState, evolveIdentityProvider, initialIdentityProviderState } from './identity-provider.state';

type ProviderCommand =
  | { readonly type: 'Register'; readonly displayName: string }
  | { readonly type: 'EnableScim' }
  | { readonly type: 'DisableScim' }
  | { readonly type: 'IssueToken'; readonly tokenId: string; readonly digest: string }
  | { readonly type: 'RevokeToken'; readonly tokenId: string }
  | { readonly type: 'RegisterCustomAttribute'; readonly attribute: string };

const providerId = 'entra-contoso';

const spec = deciderSpec<IdentityProviderState, ProviderCommand, IdentityProviderEvent>({
  decide: (command, state) => {
    switch (command.type) {
      case 'Register':
        return decideRegister(state, providerId, command.displayName);
      case 'EnableScim':
        return decideEnableScim(state);
      case 'DisableScim':
        return decideDisableScim(state);
      case 'IssueToken':
        return decideIssueToken(state, command.tokenId, command.digest);
      case 'RevokeToken':
        return decideRevokeToken(state, command.tokenId);
      case 'RegisterCustomAttribute':
        return decideRegisterCustomAttribute(state, command.attribute);
    }
  },
  evolve: evolveIdentityProvider,
  initialState: () => initialIdentityProviderState,
});

const jobCode = `${CUSTOM}:JobCode`;
const registered: IdentityProviderEvent = { type: 'IdentityProviderRegistered', data: { providerId, displayName: 'Contoso Entra ID' } };
const enabled: IdentityProviderEvent = { type: 'ScimEnabled', data: { providerId } };
const disabled: IdentityProviderEvent = { type: 'ScimDisabled', data: { providerId } };
const issued = (tokenId: string, digest: string): IdentityProviderEvent => ({ type: 'TokenIssued', data: { providerId, tokenId, digest } });
const revoked = (tokenId: string): IdentityProviderEvent => ({ type: 'TokenRevoked', data: { providerId, tokenId } });
const attributeRegistered = (attribute: string): IdentityProviderEvent => ({ type: 'CustomAttributeRegistered', data: { providerId, attribute } });
const issue = (tokenId: string, digest: string): ProviderCommand => ({ type: 'IssueToken', tokenId, digest });
const registerAttribute = (attribute: string): ProviderCommand => ({ type: 'RegisterCustomAttribute', attribute });

describe('register', () => {
  it('registers a new provider, with SCIM off and no tokens', () => {
    spec.given([]).when({ type: 'Register', displayName: 'Contoso Entra ID' }).then([registered]);
    spec
      .given([])
      .when({ type: 'Register', displayName: 'Contoso Entra ID' })
      .thenState({ status: 'registered', providerId, displayName: 'Contoso Entra ID', scimEnabled: false, tokens: [], customAttributes: [] });
  });

  it('refuses a provider registered before', () => {
    spec.given([registered]).when({ type: 'Register', displayName: 'again' }).thenThrows('PROVIDER_ALREADY_REGISTERED');
  });
});

describe('enable and disable SCIM', () => {
  it.each<[string, IdentityProviderEvent[], ProviderCommand, IdentityProviderEvent[]]>([
    ['enables a disabled provider', [registered], { type: 'EnableScim' }, [enabled]],
    ['does nothing to enable an enabled one', [registered, enabled], { type: 'EnableScim' }, []],
    ['disables an enabled provider', [registered, enabled], { type: 'DisableScim' }, [disabled]],
    ['does nothing to disable a disabled one', [registered, enabled, disabled], { type: 'DisableScim' }, []],
    ['does nothing to disable a never-enabled one', [registered], { type: 'DisableScim' }, []],
  ])('%s', (_case, given, command, expected) => {
    spec.given(given).when(command).then(expected);
  });
});

describe('tokens', () => {
  it('issues a token by its digest', () => {
    spec.given([registered]).when(issue('t1', 'd1')).then([issued('t1', 'd1')]);
  });

  // A live digest is never issued twice; the start-up bootstrap adds its own rule for revoked ones (provider-bootstrap.decide).
  it('is idempotent for a live token with the same digest', () => {
    spec.given([registered, issued('t1', 'd1')]).when(issue('t2', 'd1')).thenNothingHappened();
  });

  it('issues again a digest whose token was revoked', () => {
    spec.given([registered, issued('t1', 'd1'), revoked('t1')]).when(issue('t2', 'd1')).then([issued('t2', 'd1')]);
  });

  it('issues a second token with another digest next to the first', () => {
    spec
      .given([registered, issued('t1', 'd1')])
      .when(issue('t2', 'd2'))
      .thenState({
        status: 'registered',
        providerId,
        displayName: 'Contoso Entra ID',
        scimEnabled: false,
        tokens: [
          { tokenId: 't1', digest: 'd1', revoked: false },
          { tokenId: 't2', digest: 'd2', revoked: false },
        ],
        customAttributes: [],
      });
  });

  it('revokes a live token, and only that one', () => {
    spec.given([registered, issued('t1', 'd1'), issued('t2', 'd2')]).when({ type: 'RevokeToken', tokenId: 't1' }).then([revoked('t1')]);
  });

  it('does nothing to revoke a revoked token', () => {
    spec.given([registered, issued('t1', 'd1'), revoked('t1')]).when({ type: 'RevokeToken', tokenId: 't1' }).thenNothingHappened();
  });

  it('refuses to revoke an unknown token', () => {
    spec.given([registered, issued('t1', 'd1')]).when({ type: 'RevokeToken', tokenId: 't9' }).thenThrows('TOKEN_NOT_FOUND');
  });
});

describe('custom attributes', () => {
  it('registers an Entra custom extension attribute', () => {
    spec.given([registered]).when(registerAttribute(jobCode)).then([attributeRegistered(jobCode)]);
  });

  // RFC 7643 §2.1: attribute names, and so schema URNs used as prefixes, are case-insensitive.
  it.each([jobCode, jobCode.toLowerCase(), jobCode.toUpperCase().replace('URN:', 'urn:')])('is idempotent for %s', (attribute) => {
    spec.given([registered, attributeRegistered(jobCode)]).when(registerAttribute(attribute)).thenNothingHappened();
  });

  it('registers a second attribute of the same extension', () => {
    spec.given([registered, attributeRegistered(jobCode)]).when(registerAttribute(`${CUSTOM}:CostCode`)).then([attributeRegistered(`${CUSTOM}:CostCode`)]);
  });

  it.each([
    ['a bare name', 'JobCode'],
    ['an empty name', ''],
    ['a core attribute', 'urn:ietf:params:scim:schemas:core:2.0:User:userName'],
    ['an enterprise attribute', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'],
    ['a name with a dot', `${CUSTOM}:Job.Code`],
    ['a name starting with a digit', `${CUSTOM}:1JobCode`],
  ])('refuses %s', (_case, attribute) => {
    spec.given([registered]).when(registerAttribute(attribute)).thenThrows((error) => error instanceof Error && !(error instanceof DomainError));
  });

  // The name is checked trimmed but recorded and compared untrimmed (only reachable from the CLI).
  it('trims a padded name and recognises it as the registered one', () => {
    spec.given([registered, attributeRegistered(jobCode)]).when(registerAttribute(` ${jobCode} `)).thenNothingHappened();
  });
});

describe('commands need a registered provider', () => {
  it.each<ProviderCommand>([
    { type: 'EnableScim' },
    { type: 'DisableScim' },
    issue('t1', 'd1'),
    { type: 'RevokeToken', tokenId: 't1' },
    registerAttribute(jobCode),
  ])('$type refuses an unknown provider', (command) => {
    spec.given([]).when(command).thenThrows('PROVIDER_NOT_FOUND');
  });
});

describe('decideAll', () => {
  it('runs decisions in order, each seeing the events of the ones before', () => {
    const events = decideAll(initialIdentityProviderState, [
      (s) => decideRegister(s, providerId, 'Contoso Entra ID'),
      decideEnableScim,
      (s) => decideIssueToken(s, 't1', 'd1'),
      (s) => decideIssueToken(s, 't2', 'd1'),
      (s) => decideRegisterCustomAttribute(s, jobCode),
      (s) => decideRegisterCustomAttribute(s, jobCode.toLowerCase()),
      decideEnableScim,
    ]);
    expect(events).toEqual([registered, enabled, issued('t1', 'd1'), attributeRegistered(jobCode)]);
  });

  // Idempotent decisions re-run against the state they produced record nothing new.
  it('produces nothing when re-run on the state it produced', () => {
    const bootstrap = [decideEnableScim, (s: IdentityProviderState) => decideIssueToken(s, 't2', 'd1'), (s: IdentityProviderState) => decideRegisterCustomAttribute(s, jobCode)];
    const state = [registered, enabled, issued('t1', 'd1'), attributeRegistered(jobCode)].reduce(evolveIdentityProvider, initialIdentityProviderState);
    expect(decideAll(state, bootstrap)).toEqual([]);
  });

  it('throws when any decision does', () => {
    expect(() => decideAll(initialIdentityProviderState, [(s) => decideRegister(s, providerId, 'x'), (s) => decideRevokeToken(s, 'nope')])).toThrow(
      expect.objectContaining({ code: 'TOKEN_NOT_FOUND' }),
    );
  });

  it('produces nothing for no decisions', () => {
    expect(decideAll(initialIdentityProviderState, [])).toEqual([]);
  });
});
