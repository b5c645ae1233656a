import { ScimError } from '@app/scim/errors/scim-error';
import { DEFAULT_SCIM_LIMITS as limits } from '@app/scim/limits/scim-limits';
import { AttributeChange, PatchOperation, applyPatch } from '@app/scim/patch/apply-patch';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { UserSchema } from '@app/scim/schema/user-schema';
import { deciderSpec } from '@app/testing/decider-spec';
import { CUSTOM, ENTERPRISE } from '@app/testing/entra-payloads';
import fc from 'fast-check';
import { PatchUser, ProvisionUser, ReplaceUser } from './user.commands';
import { decideDelete, decidePatch, decideProvision, decideReplace } from './user.decide';
import { UserEvent } from './user.events';
import { UserState, evolveUser, initialUserState } from './user.state';

type UserCommand =
  | { readonly type: 'ProvisionUser'; readonly data: ProvisionUser }
  | { readonly type: 'ReplaceUser'; readonly data: ReplaceUser }
  | { readonly type: 'PatchUser'; readonly data: PatchUser }
  | { readonly type: 'DeleteUser' };

const spec = deciderSpec<UserState, UserCommand, UserEvent>({
  decide: (command, state) => {
    switch (command.type) {
      case 'ProvisionUser':
        return decideProvision(state, command.data);
      case 'ReplaceUser':
        return decideReplace(state, command.data);
      case 'PatchUser':
        return decidePatch(state, command.data).events;
      case 'DeleteUser':
        return decideDelete(state);
    }
  },
  evolve: evolveUser,
  initialState: () => initialUserState,
});

const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);
const ref = { providerId: 'entra-contoso', userId: '5f0c2d7e-0000-4000-8000-000000000001' };
/** What a default Entra POST leaves stored after normalisation. */
const ada: UserAttributes = {
  userName: 'Ada@contoso.com',
  externalId: 'ada',
  active: true,
  displayName: 'Ada Lovelace',
  name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
  emails: [{ primary: true, type: 'work', value: 'Ada@contoso.com' }],
  [ENTERPRISE]: { employeeNumber: '0815', department: 'Engines' },
  [CUSTOM]: { JobCode: 'AE-1' },
};
const { active: _active, ...adaWithoutActive } = ada;

const provision = (attributes: UserAttributes): UserCommand => ({ type: 'ProvisionUser', data: { ...ref, attributes } });
const replace = (attributes: UserAttributes): UserCommand => ({ type: 'ReplaceUser', data: { attributes } });
const patch = (...operations: PatchOperation[]): UserCommand => ({ type: 'PatchUser', data: { schema, operations, limits } });
/** The `Operations` of a PatchOp body exactly as Entra sends it. */
const entra = (body: string): UserCommand => patch(...JSON.parse(body).Operations);
const deleteUser: UserCommand = { type: 'DeleteUser' };

const provisioned = (attributes: UserAttributes = ada): UserEvent => ({ type: 'UserProvisioned', data: { ...ref, attributes } });
const replaced = (attributes: UserAttributes): UserEvent => ({ type: 'UserReplaced', data: { ...ref, attributes } });
const patched = (...changes: AttributeChange[]): UserEvent => ({ type: 'AttributesPatched', data: { ...ref, changes } });
const deactivated: UserEvent = { type: 'UserDeactivated', data: ref };
const reactivated: UserEvent = { type: 'UserReactivated', data: ref };
const deleted: UserEvent = { type: 'UserDeleted', data: ref };
const present = (attributes: UserAttributes): UserState => ({ status: 'present', ...ref, attributes, awaitingReprovision: false });
const isScimInvalidValue = (error: unknown) => error instanceof ScimError && error.status === 400 && error.scimType === 'invalidValue';

describe('provision', () => {
  it('records the normalised attributes', () => {
    spec.given([]).when(provision(ada)).then([provisioned(ada)]);
  });

  it.each<[string, UserAttributes]>([
    ['missing', { externalId: 'ada' }],
    ['empty', { userName: '' }],
    ['blank', { userName: '   ' }],
    ['not a string', { userName: 42 }],
  ])('refuses a userName that is %s', (_case, attributes) => {
    spec.given([]).when(provision(attributes)).thenThrows('USER_NAME_REQUIRED');
  });

  it('refuses a user that already exists', () => {
    spec.given([provisioned()]).when(provision(ada)).thenThrows('USER_ALREADY_EXISTS');
  });

  it('refuses a deleted user: user ids are never reused', () => {
    spec.given([provisioned(), deleted]).when(provision(ada)).thenThrows('USER_ALREADY_EXISTS');
  });
});

describe('replace (PUT)', () => {
  it('produces no events when nothing changes, whatever the member order', () => {
    const reordered = Object.fromEntries(Object.entries(ada).reverse());
    spec.given([provisioned()]).when(replace(reordered)).thenNothingHappened();
  });

  it('replaces every attribute: the ones not sent are gone', () => {
    const attributes = { userName: 'ada@contoso.com', displayName: 'Ada King' };
    spec.given([provisioned()]).when(replace(attributes)).then([replaced(attributes)]);
    spec.given([provisioned()]).when(replace(attributes)).thenState(present({ ...attributes, active: true }));
  });

  it('keeps `active` when it is omitted, so an omitted flag deactivates nobody', () => {
    spec.given([provisioned()]).when(replace(adaWithoutActive)).thenNothingHappened();
    spec
      .given([provisioned(), deactivated])
      .when(replace({ ...adaWithoutActive, title: 'Analyst' }))
      .thenState(present({ ...ada, active: false, title: 'Analyst' }));
  });

  it('makes a deactivation its own event, not part of UserReplaced', () => {
    spec.given([provisioned()]).when(replace({ ...ada, active: false })).then([deactivated]);
  });

  it('records other changes without `active`, then the flip', () => {
    spec
      .given([provisioned()])
      .when(replace({ ...ada, active: false, title: 'Analyst' }))
      .then([replaced({ ...adaWithoutActive, title: 'Analyst' }), deactivated]);
  });

  it('makes a reactivation its own event', () => {
    spec.given([provisioned(), deactivated]).when(replace(ada)).then([reactivated]);
    spec.given([provisioned(), deactivated]).when(replace(ada)).thenState(present(ada));
  });

  it('records a first `active` on a user that never had one as a plain replacement', () => {
    spec.given([provisioned(adaWithoutActive)]).when(replace(ada)).then([replaced(ada)]);
  });

  it('deactivates a user that never had `active` when false is sent', () => {
    spec.given([provisioned(adaWithoutActive)]).when(replace({ ...ada, active: false })).then([deactivated]);
  });

  it('refuses a replacement without userName', () => {
    spec.given([provisioned()]).when(replace({ displayName: 'Ada' })).thenThrows('USER_NAME_REQUIRED');
  });

  it.each<[string, UserEvent[]]>([
    ['absent', []],
    ['deleted', [provisioned(), deleted]],
  ])('refuses when the user is %s', (_case, given) => {
    spec.given(given).when(replace(ada)).thenThrows('USER_NOT_FOUND');
  });
});

describe('patch', () => {
  describe('Entra default mode: `active` as "True"/"False" strings, its own events', () => {
    it('disables with Replace active "False": UserDeactivated only', () => {
      spec
        .given([provisioned()])
        .when(entra('{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}'))
        .then([deactivated]);
    });

    it.each([false, 'false', ' FALSE '])('disables with value %j as well (tutorial and flag variants)', (value) => {
      spec.given([provisioned()]).when(patch({ op: 'replace', path: 'active', value })).then([deactivated]);
    });

    it('enables with Replace active "True": UserReactivated only', () => {
      spec.given([provisioned(), deactivated]).when(patch({ op: 'Replace', path: 'active', value: 'True' })).then([reactivated]);
    });

    it('disables through a path-less replace as the SCIM Validator sends it', () => {
      spec
        .given([provisioned()])
        .when(patch({ op: 'replace', value: { active: false, displayName: 'Ada King' } }))
        .then([patched({ attribute: 'displayName', oldValue: 'Ada Lovelace', newValue: 'Ada King' }), deactivated]);
    });

    // Entra re-sends the same state every cycle; repeating it must not produce events.
    it.each<[string, UserEvent[], string]>([
      ['disable of an inactive user', [provisioned(), deactivated], 'False'],
      ['enable of an active user', [provisioned()], 'True'],
    ])('ignores a repeated %s', (_case, given, value) => {
      spec.given(given).when(patch({ op: 'Replace', path: 'active', value })).thenNothingHappened();
    });

    it('records a first `active: true` on a user without one as a plain change', () => {
      spec
        .given([provisioned(adaWithoutActive)])
        .when(patch({ op: 'Replace', path: 'active', value: 'True' }))
        .then([patched({ attribute: 'active', newValue: true })]);
    });
  });

  it('records attribute changes as one AttributesPatched with the resolved change set', () => {
    spec
      .given([provisioned()])
      .when(
        entra(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
          {"op":"Replace","path":"displayName","value":"Ada King"},
          {"op":"Replace","path":"name.familyName","value":"King"},
          {"op":"Add","path":"phoneNumbers[type eq \\"mobile\\"].value","value":"+44 7700 900123"},
          {"op":"Replace","path":"${ENTERPRISE}:department","value":"Analytical Engines"},
          {"op":"Add","path":"${CUSTOM}:JobCode","value":"AE-2"}]}`),
      )
      .then([
        patched(
          { attribute: 'displayName', oldValue: 'Ada Lovelace', newValue: 'Ada King' },
          { attribute: 'name', oldValue: ada.name, newValue: { formatted: 'Ada Lovelace', familyName: 'King', givenName: 'Ada' } },
          { attribute: `${ENTERPRISE}:department`, oldValue: 'Engines', newValue: 'Analytical Engines' },
          { attribute: `${CUSTOM}:JobCode`, oldValue: 'AE-1', newValue: 'AE-2' },
          { attribute: 'phoneNumbers', newValue: [{ type: 'mobile', value: '+44 7700 900123' }] },
        ),
      ]);
  });

  it('records changes first and the deactivation after them', () => {
    spec
      .given([provisioned()])
      .when(patch({ op: 'Replace', path: 'title', value: 'Analyst' }, { op: 'Replace', path: 'active', value: 'False' }))
      .then([patched({ attribute: 'title', newValue: 'Analyst' }), deactivated]);
  });

  it('produces no events when Entra re-sends unchanged values', () => {
    spec
      .given([provisioned()])
      .when(patch({ op: 'Replace', path: 'displayName', value: 'Ada Lovelace' }, { op: 'Add', path: `${CUSTOM}:JobCode`, value: 'AE-1' }))
      .thenNothingHappened();
  });

  // RFC 7644 §3.5.2: the result must stay schema-valid; applyPatch rejects the removal before the decider sees it.
  it.each<[string, PatchOperation]>([
    ['Remove', { op: 'Remove', path: 'userName' }],
    ['Replace with "" (Entra\'s "Replace with empty")', { op: 'Replace', path: 'userName', value: '' }],
    ['path-less null', { op: 'replace', value: { userName: null } }],
  ])('refuses removing userName by %s (400 invalidValue)', (_case, operation) => {
    spec.given([provisioned()]).when(patch(operation)).thenThrows(isScimInvalidValue);
  });

  it('refuses a blank userName with USER_NAME_REQUIRED', () => {
    spec.given([provisioned()]).when(patch({ op: 'Replace', path: 'userName', value: '   ' })).thenThrows('USER_NAME_REQUIRED');
  });

  it('reports unregistered custom attributes and password as dropped, and changes nothing for them', () => {
    const other = 'urn:ietf:params:scim:schemas:extension:Other:2.0:User';
    const result = decidePatch(present(ada), {
      schema,
      limits,
      operations: [
        { op: 'Add', path: `${other}:CostCode`, value: 'X-1' },
        { op: 'Replace', path: 'password', value: 't1meMa$heen' },
        { op: 'Replace', path: `${CUSTOM}:JobCode`, value: 'AE-3' },
      ],
    });
    expect(result).toEqual({
      events: [patched({ attribute: `${CUSTOM}:JobCode`, oldValue: 'AE-1', newValue: 'AE-3' })],
      dropped: [`${other}:CostCode`, 'password'],
    });
  });

  it('drops a custom attribute the IdP has not registered', () => {
    const result = decidePatch(present(ada), {
      schema: UserSchema.withCustomAttributes(),
      limits,
      operations: [{ op: 'Add', path: `${CUSTOM}:JobCode`, value: 'AE-2' }],
    });
    expect(result).toEqual({ events: [], dropped: [`${CUSTOM}:JobCode`] });
  });

  it.each<[string, UserEvent[]]>([
    ['absent', []],
    ['deleted', [provisioned(), deleted]],
  ])('refuses when the user is %s', (_case, given) => {
    spec.given(given).when(patch({ op: 'Replace', path: 'displayName', value: 'x' })).thenThrows('USER_NOT_FOUND');
  });

  it('bounds the PATCH by the limits it is given, refusing before any event', () => {
    const tight = { ...limits, maxPatchOperations: 1 };
    const operations = [
      { op: 'Replace', path: 'displayName', value: 'A' },
      { op: 'Replace', path: 'title', value: 'B' },
    ];
    expect(() => decidePatch(present(ada), { schema, operations, limits: tight })).toThrow(
      expect.objectContaining({ status: 400, scimType: 'invalidValue', detail: expect.stringMatching(/1-operation limit \(SCIM_MAX_PATCH_OPERATIONS\)/) }),
    );
    expect(decidePatch(present(ada), { schema, operations, limits }).events).toHaveLength(1);
  });

  // Absent `active` counts as active everywhere else in this decider, so removing `false` is a reactivation
  // and is its own event (Kafka consumers only see flips through UserReactivated).
  it('reactivates a deactivated user whose `active` is removed, and leaves the attribute absent (RFC 7644 §3.5.2.2)', () => {
    const before = present({ ...ada, active: false });
    const { events } = decidePatch(before, { schema, limits, operations: [{ op: 'Remove', path: 'active' }] });
    expect(events.map((e) => e.type)).toEqual(['UserReactivated', 'AttributesPatched']);
    const after = events.reduce(evolveUser, before);
    expect(after.status === 'present' && 'active' in after.attributes).toBe(false);
  });
});

describe('delete', () => {
  it('deletes a present user', () => {
    spec.given([provisioned()]).when(deleteUser).then([deleted]);
    spec.given([provisioned()]).when(deleteUser).thenState({ status: 'deleted' });
  });

  it.each<[string, UserEvent[], UserCommand]>([
    ['a second delete', [provisioned(), deleted], deleteUser],
    ['a patch after the delete', [provisioned(), deleted], patch({ op: 'Replace', path: 'active', value: 'False' })],
    ['a replace after the delete', [provisioned(), deleted], replace(ada)],
    ['deleting a never-provisioned user', [], deleteUser],
  ])('refuses %s with USER_NOT_FOUND', (_case, given, command) => {
    spec.given(given).when(command).thenThrows('USER_NOT_FOUND');
  });
});

describe('evolve reproduces what was decided', () => {
  it('applying AttributesPatched gives the attributes the PATCH produced', () => {
    const operations: PatchOperation[] = [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ada.king@example.com' },
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: '271' },
      { op: 'Replace', path: `${CUSTOM}:JobCode`, value: '' },
      { op: 'Remove', path: 'externalId' },
    ];
    spec.given([provisioned()]).when(patch(...operations)).thenState(present(applyPatch(schema, ada, operations).attributes));
  });

  const text = fc.string({ maxLength: 6 });
  const nonBlank = fc.stringMatching(/^[a-z0-9@.]{1,8}$/);
  const operation: fc.Arbitrary<PatchOperation> = fc.oneof(
    fc.constantFrom<unknown>('True', 'False', 'false', true, false).map((value) => ({ op: 'Replace', path: 'active', value })),
    nonBlank.map((value) => ({ op: 'Replace', path: 'userName', value })),
    text.map((value) => ({ op: 'Replace', path: 'displayName', value })),
    text.map((value) => ({ op: 'Replace', path: 'name.givenName', value })),
    text.map((value) => ({ op: 'Replace', path: 'emails[type eq "work"].value', value })),
    text.map((value) => ({ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value })),
    text.map((value) => ({ op: 'Replace', path: `${ENTERPRISE}:department`, value })),
    text.map((value) => ({ op: 'Add', path: `${CUSTOM}:JobCode`, value })),
    fc.constantFrom('nickName', 'title', 'externalId', `${ENTERPRISE}:manager`).map((path) => ({ op: 'Remove', path })),
  );

  it('folding the events of any sequence of Entra PATCHes equals applying the PATCHes', () => {
    const start = fc.constantFrom(ada, adaWithoutActive, { ...ada, active: false });
    fc.assert(
      fc.property(start, fc.array(fc.array(operation, { minLength: 1, maxLength: 5 }), { maxLength: 4 }), (initial, patches) => {
        let state = evolveUser(initialUserState, provisioned(initial));
        let expected = initial;
        for (const operations of patches) {
          expected = applyPatch(schema, expected, operations).attributes;
          state = decidePatch(state, { schema, operations, limits }).events.reduce(evolveUser, state);
          expect(state).toEqual(present(expected));
        }
      }),
      { numRuns: 300 },
    );
  });
});
