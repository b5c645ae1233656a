import type { CustomAttributeType } from '@app/scim/schema/custom-attribute';
import { deciderSpec } from '@app/testing/decider-spec';
import type { DomainErrorCode } from '../shared/domain-error';
import { CUSTOM } from '@app/testing/entra-payloads';
import {
  decideAll,
  decideDisableScim,
  decideEnableScim,
  decideIssueToken,
  decideRegister,
  decideRegisterCustomAttribute,
  decideRetire,
  decideRetireCustomAttribute,
  decideRevokeToken,
  decideRotateToken,
  decideSetRebaselineMatchingPosts,
  TokenToIssue,
} from './identity-provider.decide';
import { IdentityProviderEvent } from './identity-provider.events';
import { IdentityProviderState, evolveIdentityProvider, initialIdentityProviderState } from './identity-provider.state';
import { ALL_TOKEN_SCOPES } from './token-scopes';

type ProviderCommand =
  | { readonly type: 'Register'; readonly displayName: string }
  | { readonly type: 'EnableScim' }
  | { readonly type: 'DisableScim' }
  | { readonly type: 'Retire' }
  | { readonly type: 'SetRebaseline'; readonly enabled: boolean }
  | { readonly type: 'IssueToken'; readonly token: TokenToIssue }
  | { readonly type: 'RevokeToken'; readonly tokenId: string }
  | { readonly type: 'RotateToken'; readonly tokenId: string; readonly replacement: { tokenId: string; digest: string }; readonly overlapEndsAt: string; readonly now: string }
  | { readonly type: 'RegisterCustomAttribute'; readonly attribute: string; readonly attributeType?: CustomAttributeType }
  | { readonly type: 'RetireCustomAttribute'; readonly attribute: string };

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
      case 'Retire':
        return decideRetire(state);
      case 'SetRebaseline':
        return decideSetRebaselineMatchingPosts(state, command.enabled);
      case 'IssueToken':
        return decideIssueToken(state, command.token);
      case 'RevokeToken':
        return decideRevokeToken(state, command.tokenId);
      case 'RotateToken':
        return decideRotateToken(state, command.tokenId, command.replacement, command.overlapEndsAt, command.now);
      case 'RegisterCustomAttribute':
        return decideRegisterCustomAttribute(state, command.attribute, command.attributeType);
      case 'RetireCustomAttribute':
        return decideRetireCustomAttribute(state, command.attribute);
    }
  },
  evolve: evolveIdentityProvider,
  initialState: () => initialIdentityProviderState,
});

const ALL = [...ALL_TOKEN_SCOPES];
const jobCode = `${CUSTOM}:JobCode`;
const registered: IdentityProviderEvent = { type: 'IdentityProviderRegistered', data: { providerId, displayName: 'Contoso Entra ID' } };
const enabled: IdentityProviderEvent = { type: 'ScimEnabled', data: { providerId } };
const disabled: IdentityProviderEvent = { type: 'ScimDisabled', data: { providerId } };
const retired: IdentityProviderEvent = { type: 'IdentityProviderRetired', data: { providerId } };
const issued = (tokenId: string, digest: string, more: Partial<Extract<IdentityProviderEvent, { type: 'TokenIssued' }>['data']> = {}): IdentityProviderEvent => ({
  type: 'TokenIssued',
  data: { providerId, tokenId, digest, scopes: ALL, ...more },
});
const revoked = (tokenId: string): IdentityProviderEvent => ({ type: 'TokenRevoked', data: { providerId, tokenId } });
const rotated = (tokenId: string, replacedBy: string, expiresAt: string): IdentityProviderEvent => ({ type: 'TokenRotated', data: { providerId, tokenId, replacedBy, expiresAt } });
const attributeRegistered = (attribute: string, type: CustomAttributeType = 'string'): IdentityProviderEvent => ({
  type: 'CustomAttributeRegistered',
  data: { providerId, attribute, type },
});
const attributeRetired = (attribute: string): IdentityProviderEvent => ({ type: 'CustomAttributeRetired', data: { providerId, attribute } });
const issue = (tokenId: string, digest: string, more: Partial<TokenToIssue> = {}): ProviderCommand => ({ type: 'IssueToken', token: { tokenId, digest, ...more } });
const registerAttribute = (attribute: string, attributeType?: CustomAttributeType): ProviderCommand => ({ type: 'RegisterCustomAttribute', attribute, attributeType });
const now = '2026-12-02T06:00:00.000Z';
const inADay = '2026-12-03T06:00:00.000Z';
const rotate = (tokenId: string, newTokenId = 't2', overlapEndsAt = inADay): ProviderCommand => ({
  type: 'RotateToken',
  tokenId,
  replacement: { tokenId: newTokenId, digest: `digest-of-${newTokenId}` },
  overlapEndsAt,
  now,
});

/** A newly registered IdP's state, with `changes`. */
const registeredState = (changes: Partial<Extract<IdentityProviderState, { status: 'registered' }>> = {}): IdentityProviderState => ({
  ...(evolveIdentityProvider(initialIdentityProviderState, { type: 'IdentityProviderRegistered', data: { providerId, displayName: 'Contoso Entra ID' } }) as Extract<IdentityProviderState, { status: 'registered' }>),
  ...changes,
});

/** Every command on an IdP that exists: each refuses an unknown IdP, and all but Retire a retired one. */
const ADMIN_WRITES: ProviderCommand[] = [
  { type: 'EnableScim' },
  { type: 'DisableScim' },
  { type: 'Retire' },
  { type: 'SetRebaseline', enabled: true },
  issue('t2', 'd2'),
  { type: 'RevokeToken', tokenId: 't1' },
  rotate('t1'),
  registerAttribute(jobCode),
  { type: 'RetireCustomAttribute', attribute: jobCode },
];

describe('register', () => {
  it('registers a new provider, with SCIM off, no tokens and re-baselining off', () => {
    spec.given([]).when({ type: 'Register', displayName: 'Contoso Entra ID' }).then([registered]);
    spec
      .given([])
      .when({ type: 'Register', displayName: 'Contoso Entra ID' })
      .thenState(registeredState());
  });

  it('refuses a provider registered before', () => {
    spec.given([registered]).when({ type: 'Register', displayName: 'again' }).thenThrows('PROVIDER_ALREADY_REGISTERED');
  });

  it('refuses for ever the id of a retired provider', () => {
    spec.given([registered, retired]).when({ type: 'Register', displayName: 'again' }).thenThrows('PROVIDER_ALREADY_REGISTERED');
  });

  it.each(['', '-leading-dash', 'has space', 'a/b', 'x'.repeat(129)])('refuses the id %j', (id) => {
    expect(() => decideRegister(initialIdentityProviderState, id, 'x')).toThrow(expect.objectContaining({ code: 'PROVIDER_ID_INVALID' }));
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

describe('retire', () => {
  it('retires a provider, enabled or not', () => {
    spec.given([registered, enabled]).when({ type: 'Retire' }).then([retired]);
    spec.given([registered]).when({ type: 'Retire' }).then([retired]);
  });

  it('does nothing to retire a retired one', () => {
    spec.given([registered, retired]).when({ type: 'Retire' }).thenNothingHappened();
  });

  it.each(ADMIN_WRITES.filter((c) => c.type !== 'Retire'))('then refuses $type with PROVIDER_RETIRED', (command) => {
    spec.given([registered, enabled, issued('t1', 'd1'), attributeRegistered(jobCode), retired]).when(command).thenThrows('PROVIDER_RETIRED');
  });
});

describe('re-baselining matching POSTs', () => {
  it.each<[string, IdentityProviderEvent[], boolean, IdentityProviderEvent[]]>([
    ['turns it on', [registered], true, [{ type: 'ProvisioningSettingsChanged', data: { providerId, rebaselineMatchingPosts: true } }]],
    ['does nothing to turn off what is off', [registered], false, []],
    [
      'turns it off again',
      [registered, { type: 'ProvisioningSettingsChanged', data: { providerId, rebaselineMatchingPosts: true } }],
      false,
      [{ type: 'ProvisioningSettingsChanged', data: { providerId, rebaselineMatchingPosts: false } }],
    ],
  ])('%s', (_case, given, enabled, expected) => {
    spec.given(given).when({ type: 'SetRebaseline', enabled }).then(expected);
  });
});

describe('issue tokens', () => {
  it('issues a token with every scope and no expiry by default', () => {
    spec.given([registered]).when(issue('t1', 'd1')).then([issued('t1', 'd1')]);
  });

  it('issues a token with scopes (in canonical order, once each), an expiry and a trimmed label', () => {
    spec
      .given([registered])
      .when(issue('t1', 'd1', { scopes: ['users:write', 'users:read', 'users:write'], expiresAt: '2027-03-02T06:00:00Z', label: ' Entra production ', issuedAt: now }))
      .then([issued('t1', 'd1', { scopes: ['users:read', 'users:write'], expiresAt: '2027-03-02T06:00:00.000Z', label: 'Entra production', issuedAt: now })]);
  });

  it.each<[string, Partial<TokenToIssue>, DomainErrorCode]>([
    ['no scope', { scopes: [] }, 'TOKEN_SCOPES_INVALID'],
    ['an unknown scope', { scopes: ['users:read', 'groups:read' as never] }, 'TOKEN_SCOPES_INVALID'],
    ['an expiry that is no timestamp', { expiresAt: 'in 90 days' }, 'DURATION_INVALID'],
    ['a label too long', { label: 'x'.repeat(201) }, 'TOKEN_LABEL_INVALID'],
    ['a label with a control character', { label: 'a\nb' }, 'TOKEN_LABEL_INVALID'],
  ])('refuses %s', (_case, more, code) => {
    spec.given([registered]).when(issue('t1', 'd1', more)).thenThrows(code);
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
      .given([registered, issued('t1', 'd1', { label: 'first' })])
      .when(issue('t2', 'd2', { scopes: ['users:read'] }))
      .thenState(
        registeredState({
          tokens: [
            { tokenId: 't1', digest: 'd1', revoked: false, scopes: ALL, label: 'first' },
            { tokenId: 't2', digest: 'd2', revoked: false, scopes: ['users:read'] },
          ],
        }),
      );
  });
});

describe('revoke tokens', () => {
  it('revokes a live token, and only that one', () => {
    spec.given([registered, issued('t1', 'd1'), issued('t2', 'd2')]).when({ type: 'RevokeToken', tokenId: 't1' }).then([revoked('t1')]);
  });

  it('revokes a rotated token before its overlap ends', () => {
    spec.given([registered, issued('t1', 'd1'), issued('t2', 'd2'), rotated('t1', 't2', inADay)]).when({ type: 'RevokeToken', tokenId: 't1' }).then([revoked('t1')]);
  });

  it('does nothing to revoke a revoked token', () => {
    spec.given([registered, issued('t1', 'd1'), revoked('t1')]).when({ type: 'RevokeToken', tokenId: 't1' }).thenNothingHappened();
  });

  it('refuses to revoke an unknown token', () => {
    spec.given([registered, issued('t1', 'd1')]).when({ type: 'RevokeToken', tokenId: 't9' }).thenThrows('TOKEN_NOT_FOUND');
  });
});

describe('rotate tokens', () => {
  it('issues the successor with the same scopes and label, and ends the old token with the overlap', () => {
    spec
      .given([registered, issued('t1', 'd1', { scopes: ['users:read'], label: 'Entra' })])
      .when(rotate('t1'))
      .then([issued('t2', 'digest-of-t2', { scopes: ['users:read'], label: 'Entra', issuedAt: now }), rotated('t1', 't2', inADay)]);
  });

  it('gives the successor the old lifetime from now', () => {
    const ninetyDays = issued('t1', 'd1', { issuedAt: '2026-09-01T00:00:00.000Z', expiresAt: '2026-11-30T00:00:00.000Z' });
    spec
      .given([registered, ninetyDays])
      .when(rotate('t1'))
      .then([issued('t2', 'digest-of-t2', { issuedAt: now, expiresAt: '2027-03-02T06:00:00.000Z' }), rotated('t1', 't2', inADay)]);
  });

  it('gives the successor the old expiry when the time of issue was not recorded', () => {
    const expiresAt = '2027-01-01T00:00:00.000Z';
    spec
      .given([registered, issued('t1', 'd1', { expiresAt })])
      .when(rotate('t1'))
      .then([issued('t2', 'digest-of-t2', { issuedAt: now, expiresAt }), rotated('t1', 't2', inADay)]);
  });

  it('ends the old token at the overlap, or at its own expiry if that comes first', () => {
    const tokenOf = (given: IdentityProviderEvent[]) => {
      const state = [...given, ...decideRotateToken(given.reduce(evolveIdentityProvider, initialIdentityProviderState), 't1', { tokenId: 't2', digest: 'd2' }, inADay, now)].reduce(
        evolveIdentityProvider,
        initialIdentityProviderState,
      );
      return state.status === 'registered' ? state.tokens[0] : undefined;
    };
    expect(tokenOf([registered, issued('t1', 'd1')])).toMatchObject({ replacedBy: 't2', expiresAt: inADay, revoked: false });
    expect(tokenOf([registered, issued('t1', 'd1', { expiresAt: '2026-12-02T07:00:00.000Z', issuedAt: now })])).toMatchObject({ expiresAt: '2026-12-02T07:00:00.000Z' });
  });

  it('takes an overlap of nothing (the old token stops at once) and of 30 days', () => {
    spec.given([registered, issued('t1', 'd1')]).when(rotate('t1', 't2', now)).then([issued('t2', 'digest-of-t2', { issuedAt: now }), rotated('t1', 't2', now)]);
    const thirtyDays = '2027-01-01T06:00:00.000Z';
    spec.given([registered, issued('t1', 'd1')]).when(rotate('t1', 't2', thirtyDays)).then([issued('t2', 'digest-of-t2', { issuedAt: now }), rotated('t1', 't2', thirtyDays)]);
  });

  it.each<[string, IdentityProviderEvent[], ProviderCommand, DomainErrorCode]>([
    ['an unknown token', [registered, issued('t1', 'd1')], rotate('t9'), 'TOKEN_NOT_FOUND'],
    ['a revoked token', [registered, issued('t1', 'd1'), revoked('t1')], rotate('t1'), 'TOKEN_REVOKED'],
    ['a token rotated before', [registered, issued('t1', 'd1'), issued('t2', 'd2'), rotated('t1', 't2', inADay)], rotate('t1', 't3'), 'TOKEN_ALREADY_ROTATED'],
    ['a successor that is live already', [registered, issued('t1', 'd1'), issued('t2', 'digest-of-t2')], rotate('t1'), 'TOKEN_ALREADY_ROTATED'],
    ['an overlap ending before now', [registered, issued('t1', 'd1')], rotate('t1', 't2', '2026-12-02T05:59:59.000Z'), 'DURATION_INVALID'],
    ['an overlap of more than 30 days', [registered, issued('t1', 'd1')], rotate('t1', 't2', '2027-01-01T06:00:01.000Z'), 'DURATION_INVALID'],
    ['an overlap end that is no timestamp', [registered, issued('t1', 'd1')], rotate('t1', 't2', 'tomorrow'), 'DURATION_INVALID'],
  ])('refuses %s', (_case, given, command, code) => {
    spec.given(given).when(command).thenThrows(code);
  });
});

describe('custom attributes', () => {
  it('registers an Entra custom extension attribute, a string unless typed', () => {
    spec.given([registered]).when(registerAttribute(jobCode)).then([attributeRegistered(jobCode)]);
    spec.given([registered]).when(registerAttribute(jobCode, 'integer')).then([attributeRegistered(jobCode, 'integer')]);
  });

  // RFC 7643 §2.1: attribute names, and so schema URNs used as prefixes, are case-insensitive.
  it.each([jobCode, jobCode.toLowerCase(), jobCode.toUpperCase().replace('URN:', 'urn:'), ` ${jobCode} `])('is idempotent for %j', (attribute) => {
    spec.given([registered, attributeRegistered(jobCode)]).when(registerAttribute(attribute)).thenNothingHappened();
  });

  it('registers a second attribute of the same extension', () => {
    spec.given([registered, attributeRegistered(jobCode)]).when(registerAttribute(`${CUSTOM}:CostCode`)).then([attributeRegistered(`${CUSTOM}:CostCode`)]);
  });

  it('refuses a name in force with another type', () => {
    spec.given([registered, attributeRegistered(jobCode)]).when(registerAttribute(jobCode.toLowerCase(), 'boolean')).thenThrows('CUSTOM_ATTRIBUTE_ALREADY_REGISTERED');
  });

  it('refuses an unknown type', () => {
    spec.given([registered]).when(registerAttribute(jobCode, 'float' as never)).thenThrows('CUSTOM_ATTRIBUTE_INVALID');
  });

  it.each([
    ['an empty name', ''],
    ['a core attribute', 'urn:ietf:params:scim:schemas:core:2.0:User:userName'],
    ['an enterprise attribute', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department'],
    ['a name with a dot', `${CUSTOM}:Job.Code`],
    ['a name starting with a digit', `${CUSTOM}:1JobCode`],
  ])('refuses %s as CUSTOM_ATTRIBUTE_INVALID', (_case, attribute) => {
    spec.given([registered]).when(registerAttribute(attribute)).thenThrows('CUSTOM_ATTRIBUTE_INVALID');
  });

  it('retires an attribute by any spelling of its name, recording the registered one', () => {
    spec.given([registered, attributeRegistered(jobCode)]).when({ type: 'RetireCustomAttribute', attribute: jobCode.toLowerCase() }).then([attributeRetired(jobCode)]);
  });

  it('takes a retired attribute out of force and remembers it was retired', () => {
    spec
      .given([registered, attributeRegistered(jobCode), attributeRegistered(`${CUSTOM}:CostCode`)])
      .when({ type: 'RetireCustomAttribute', attribute: jobCode })
      .thenState(expect.objectContaining({ customAttributes: [{ name: `${CUSTOM}:CostCode`, type: 'string' }], retiredAttributes: [jobCode] }) as never);
  });

  it('registers a retired attribute again, with another type if asked', () => {
    spec.given([registered, attributeRegistered(jobCode), attributeRetired(jobCode)]).when(registerAttribute(jobCode, 'dateTime')).then([attributeRegistered(jobCode, 'dateTime')]);
  });

  it.each<[string, IdentityProviderEvent[]]>([
    ['never registered', [registered]],
    ['retired already', [registered, attributeRegistered(jobCode), attributeRetired(jobCode)]],
  ])('refuses to retire an attribute %s', (_case, given) => {
    spec.given(given).when({ type: 'RetireCustomAttribute', attribute: jobCode }).thenThrows('CUSTOM_ATTRIBUTE_NOT_FOUND');
  });
});

describe('commands need a registered provider', () => {
  it.each(ADMIN_WRITES)('$type refuses an unknown provider', (command) => {
    spec.given([]).when(command).thenThrows('PROVIDER_NOT_FOUND');
  });
});

describe('decideAll', () => {
  it('runs decisions in order, each seeing the events of the ones before', () => {
    const events = decideAll(initialIdentityProviderState, [
      (s) => decideRegister(s, providerId, 'Contoso Entra ID'),
      decideEnableScim,
      (s) => decideIssueToken(s, { tokenId: 't1', digest: 'd1' }),
      (s) => decideIssueToken(s, { tokenId: 't2', digest: 'd1' }),
      (s) => decideRegisterCustomAttribute(s, jobCode),
      (s) => decideRegisterCustomAttribute(s, jobCode.toLowerCase()),
      decideEnableScim,
    ]);
    expect(events).toEqual([registered, enabled, issued('t1', 'd1'), attributeRegistered(jobCode)]);
  });

  // Idempotent decisions re-run against the state they produced record nothing new.
  it('produces nothing when re-run on the state it produced', () => {
    const bootstrap = [decideEnableScim, (s: IdentityProviderState) => decideIssueToken(s, { tokenId: 't2', digest: 'd1' }), (s: IdentityProviderState) => decideRegisterCustomAttribute(s, jobCode)];
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
