import { DEFAULT_SCIM_LIMITS as limits } from '@app/scim/limits/scim-limits';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { UserSchema } from '@app/scim/schema/user-schema';
import { deciderSpec } from '@app/testing/decider-spec';
import { decideDelete, decidePatch, decideReplace } from './user.decide';
import { UserEvent } from './user.events';
import { decideRebaseline, decideRequestReprovision, rebaselinesUser } from './user.reprovision.decide';
import { evolveUser, foldUser, initialUserState, UserState } from './user.state';

type Command =
  | { readonly type: 'RequestReprovision' }
  | { readonly type: 'Rebaseline'; readonly attributes: UserAttributes }
  | { readonly type: 'Patch' }
  | { readonly type: 'Replace' }
  | { readonly type: 'Delete' };

const spec = deciderSpec<UserState, Command, UserEvent>({
  decide: (command, state) => {
    switch (command.type) {
      case 'RequestReprovision':
        return decideRequestReprovision(state);
      case 'Rebaseline':
        return decideRebaseline(state, command.attributes);
      case 'Patch':
        return decidePatch(state, { schema: UserSchema.withCustomAttributes([]), operations: [{ op: 'replace', path: 'title', value: 'CTO' }], limits }).events;
      case 'Replace':
        return decideReplace(state, { attributes: { userName: 'ada@contoso.com' } });
      case 'Delete':
        return decideDelete(state);
    }
  },
  evolve: evolveUser,
  initialState: () => initialUserState,
});

const ref = { providerId: 'entra-contoso', userId: '5f0c2d7e-0000-4000-8000-000000000001' };
const ada: UserAttributes = { userName: 'Ada@contoso.com', externalId: 'ada', active: false, title: 'Analyst', nickName: 'Ada' };
const provisioned: UserEvent = { type: 'UserProvisioned', data: { ...ref, attributes: ada } };
const requested: UserEvent = { type: 'ReprovisionRequested', data: ref };
const deleted: UserEvent = { type: 'UserDeleted', data: ref };
const rebaselined = (attributes: UserAttributes): UserEvent => ({ type: 'UserReprovisioned', data: { ...ref, attributes } });
const rebaseline = (attributes: UserAttributes): Command => ({ type: 'Rebaseline', attributes });
const requestReprovision: Command = { type: 'RequestReprovision' };

describe('decideRequestReprovision', () => {
  it('hides a present user from its IdP until the next POST', () => {
    spec.given([provisioned]).when(requestReprovision).then([requested]);
    spec.given([provisioned]).when(requestReprovision).thenState({ status: 'present', ...ref, attributes: ada, awaitingReprovision: true });
  });

  it('records nothing for a user already awaiting re-provisioning', () => {
    spec.given([provisioned, requested]).when(requestReprovision).thenNothingHappened();
  });

  it.each<[string, UserEvent[]]>([
    ['absent', []],
    ['deleted', [provisioned, deleted]],
  ])('refuses a user that is %s', (_case, history) => {
    spec.given(history).when(requestReprovision).thenThrows('USER_NOT_FOUND');
  });
});

describe('decideRebaseline', () => {
  it('sets exactly the POSTed attributes: omitted ones cleared, active true when not sent', () => {
    const posted = { userName: 'ada@contoso.com', externalId: 'ada', displayName: 'Ada Lovelace' };
    spec.given([provisioned, requested]).when(rebaseline(posted)).then([rebaselined({ ...posted, active: true })]);
    spec.given([provisioned, requested]).when(rebaseline(posted)).thenState({ status: 'present', ...ref, attributes: { ...posted, active: true }, awaitingReprovision: false });
  });

  it('keeps active as sent', () => {
    spec.given([provisioned, requested]).when(rebaseline({ userName: 'ada', active: false })).then([rebaselined({ userName: 'ada', active: false })]);
  });

  it('records a re-baseline of an awaiting user even when nothing differs (it is visible again)', () => {
    spec.given([provisioned, requested]).when(rebaseline(ada)).then([rebaselined(ada)]);
  });

  it('records nothing when a user not awaiting already has exactly the POSTed attributes', () => {
    spec.given([provisioned]).when(rebaseline(ada)).thenNothingHappened();
  });

  it('refuses a POST without userName', () => {
    spec.given([provisioned, requested]).when(rebaseline({ externalId: 'ada' })).thenThrows('USER_NAME_REQUIRED');
  });

  it.each<[string, UserEvent[]]>([
    ['absent', []],
    ['deleted', [provisioned, requested, deleted]],
  ])('refuses a user that is %s', (_case, history) => {
    spec.given(history).when(rebaseline(ada)).thenThrows('USER_NOT_FOUND');
  });
});

describe('rebaselinesUser (which duplicate POST re-baselines rather than answering 409)', () => {
  const awaiting = foldUser([provisioned, requested]);
  const live = foldUser([provisioned]);

  it.each<[string, UserState, UserAttributes, boolean, boolean]>([
    ['awaiting, same userName in another case and same externalId', awaiting, { userName: 'ADA@CONTOSO.COM', externalId: 'ada' }, false, true],
    ['awaiting, another externalId', awaiting, { userName: 'ada@contoso.com', externalId: 'ADA' }, false, false],
    ['awaiting, externalId omitted', awaiting, { userName: 'ada@contoso.com' }, false, false],
    ['awaiting, another userName', awaiting, { userName: 'grace@contoso.com', externalId: 'ada' }, false, false],
    ['not awaiting, setting off', live, { userName: 'ada@contoso.com', externalId: 'ada' }, false, false],
    ['not awaiting, setting on', live, { userName: 'ada@contoso.com', externalId: 'ada' }, true, true],
    ['not awaiting, setting on, another externalId', live, { userName: 'ada@contoso.com', externalId: 'x' }, true, false],
    ['deleted, setting on', foldUser([provisioned, deleted]), { userName: 'ada@contoso.com', externalId: 'ada' }, true, false],
  ])('%s', (_case, state, posted, setting, expected) => {
    expect(rebaselinesUser(state, posted, setting)).toBe(expected);
  });

  it('counts both externalIds absent as the same', () => {
    const withoutExternalId = foldUser([{ type: 'UserProvisioned', data: { ...ref, attributes: { userName: 'ada' } } }, requested]);
    expect(rebaselinesUser(withoutExternalId, { userName: 'Ada' }, false)).toBe(true);
    expect(rebaselinesUser(withoutExternalId, { userName: 'Ada', externalId: 'ada' }, false)).toBe(false);
  });
});

describe('a user awaiting re-provisioning, to its IdP', () => {
  it.each<[string, Command]>([
    ['PATCH', { type: 'Patch' }],
    ['PUT', { type: 'Replace' }],
  ])('is not found by a %s (hidden until its next POST)', (_case, command) => {
    spec.given([provisioned, requested]).when(command).thenThrows('USER_NOT_FOUND');
  });

  it('can be deleted', () => {
    spec.given([provisioned, requested]).when({ type: 'Delete' }).then([deleted]);
  });
});
