import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { UserEvent } from './user.events';
import { evolveUser, foldUser, initialUserState, replacedAttributes } from './user.state';

const ref = { providerId: 'entra-contoso', userId: 'u-1' };
const attributes: UserAttributes = { userName: 'ada@contoso.com', active: true, displayName: 'Ada' };
const provisioned: UserEvent = { type: 'UserProvisioned', data: { ...ref, attributes } };
const requested: UserEvent = { type: 'ReprovisionRequested', data: ref };
const present = (attrs: UserAttributes) => ({ status: 'present', ...ref, attributes: attrs, awaitingReprovision: false });

describe('evolveUser / foldUser', () => {
  it('starts absent', () => {
    expect(foldUser([])).toEqual(initialUserState);
    expect(initialUserState).toEqual({ status: 'absent' });
  });

  it.each<[string, UserEvent[], unknown]>([
    ['provisioned', [provisioned], present(attributes)],
    ['deactivated', [provisioned, { type: 'UserDeactivated', data: ref }], present({ ...attributes, active: false })],
    [
      'deactivated then reactivated',
      [provisioned, { type: 'UserDeactivated', data: ref }, { type: 'UserReactivated', data: ref }],
      present(attributes),
    ],
    [
      'patched',
      [provisioned, { type: 'AttributesPatched', data: { ...ref, changes: [{ attribute: 'displayName', oldValue: 'Ada', newValue: 'Ada King' }, { attribute: 'title', newValue: 'Analyst' }] } }],
      present({ ...attributes, displayName: 'Ada King', title: 'Analyst' }),
    ],
    [
      'patched with a removal',
      [provisioned, { type: 'AttributesPatched', data: { ...ref, changes: [{ attribute: 'displayName', oldValue: 'Ada' }] } }],
      present({ userName: 'ada@contoso.com', active: true }),
    ],
    [
      'replaced without active (active kept)',
      [provisioned, { type: 'UserReplaced', data: { ...ref, attributes: { userName: 'ada@contoso.com', title: 'Analyst' } } }],
      present({ userName: 'ada@contoso.com', title: 'Analyst', active: true }),
    ],
    ['deleted', [provisioned, { type: 'UserDeleted', data: ref }], { status: 'deleted' }],
    [
      'cleared by an administrator',
      [provisioned, { type: 'AttributesCleared', data: { ...ref, changes: [{ attribute: 'displayName', oldValue: 'Ada' }] } }],
      present({ userName: 'ada@contoso.com', active: true }),
    ],
    ['asked to re-provision', [provisioned, requested], { ...present(attributes), awaitingReprovision: true }],
    [
      're-provisioned (exactly the POSTed attributes, no longer awaiting)',
      [provisioned, requested, { type: 'UserReprovisioned', data: { ...ref, attributes: { userName: 'ada@contoso.com', active: true } } }],
      present({ userName: 'ada@contoso.com', active: true }),
    ],
    ['deleted while awaiting re-provisioning', [provisioned, requested, { type: 'UserDeleted', data: ref }], { status: 'deleted' }],
  ])('folds a user that was %s', (_case, events, expected) => {
    expect(foldUser(events)).toEqual(expected);
  });

  it.each<[string, UserEvent[]]>([
    ['absent', []],
    ['deleted', [provisioned, { type: 'UserDeleted', data: ref }]],
  ])('ignores changes to a user that is %s', (_case, given) => {
    const state = foldUser(given);
    for (const event of [
      { type: 'AttributesPatched', data: { ...ref, changes: [{ attribute: 'title', newValue: 'x' }] } },
      { type: 'UserReplaced', data: { ...ref, attributes } },
      { type: 'UserDeactivated', data: ref },
      { type: 'UserReactivated', data: ref },
      { type: 'AttributesCleared', data: { ...ref, changes: [{ attribute: 'title', oldValue: 'x' }] } },
      requested,
      { type: 'UserReprovisioned', data: { ...ref, attributes } },
    ] as UserEvent[]) {
      expect(evolveUser(state, event)).toBe(state);
    }
  });

  it('does not mutate the state it folds from', () => {
    const before = foldUser([provisioned]);
    const snapshot = structuredClone(before);
    evolveUser(before, { type: 'AttributesPatched', data: { ...ref, changes: [{ attribute: 'displayName', oldValue: 'Ada' }] } });
    evolveUser(before, { type: 'UserDeactivated', data: ref });
    expect(before).toEqual(snapshot);
  });
});

describe('replacedAttributes (PUT)', () => {
  it.each<[string, UserAttributes, UserAttributes, UserAttributes]>([
    ['keeps the current active when none is sent', { userName: 'a', active: false }, { userName: 'b' }, { userName: 'b', active: false }],
    ['takes the sent active', { userName: 'a', active: false }, { userName: 'a', active: true }, { userName: 'a', active: true }],
    ['adds no active when there was none', { userName: 'a' }, { userName: 'b' }, { userName: 'b' }],
    ['drops every attribute not sent', { userName: 'a', title: 'T', nickName: 'N' }, { userName: 'a' }, { userName: 'a' }],
  ])('%s', (_case, current, replacement, expected) => {
    expect(replacedAttributes(current, replacement)).toEqual(expected);
  });
});
