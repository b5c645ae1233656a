import bjensen from '../../test/fixtures/patch-user-bjensen.json';
import { ScimError } from '../errors/scim-error';
import { UserAttributes } from '../resource/user-attributes';
import { UserSchema } from '../schema/user-schema';
import { PatchOperation, applyPatch } from './apply-patch';

const schema = UserSchema.withCustomAttributes(['urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:JobCode']);
const user: UserAttributes = bjensen;
const patch = (operations: readonly unknown[], before: UserAttributes = user) =>
  applyPatch(schema, before, operations as PatchOperation[]);
const { displayName: _displayName, nickName: _nickName, ...withoutNames } = user;

describe('applyPatch: op names (RFC 7644 §3.5.2, matched case-insensitively for Entra)', () => {
  it.each(['add', 'Add', 'ADD', ' replace ', 'Replace', 'rEpLaCe'])('%j sets displayName', (op) => {
    expect(patch([{ op, path: 'displayName', value: 'B' }]).attributes.displayName).toBe('B');
  });
  it.each(['remove', 'Remove', 'REMOVE'])('%j removes displayName', (op) => {
    expect(patch([{ op, path: 'displayName' }]).attributes).not.toHaveProperty('displayName');
  });
});

describe('applyPatch: single-valued simple attributes (RFC 7644 §3.5.2.1–3)', () => {
  it.each<[string, PatchOperation, UserAttributes, unknown]>([
    ['add sets an absent attribute', { op: 'Add', path: 'nickName', value: 'Bee' }, withoutNames, 'Bee'],
    ['add replaces an existing value', { op: 'add', path: 'nickName', value: 'Bee' }, user, 'Bee'],
    ['replace sets an absent attribute', { op: 'replace', path: 'nickName', value: 'Bee' }, withoutNames, 'Bee'],
    ['replace overwrites', { op: 'Replace', path: 'nickName', value: 'Bee' }, user, 'Bee'],
    ['names are case-insensitive', { op: 'replace', path: 'NICKNAME', value: 'Bee' }, user, 'Bee'],
    ['values are stored exactly as sent', { op: 'replace', path: 'nickName', value: '  bEE  ' }, user, '  bEE  '],
    ['remove deletes', { op: 'remove', path: 'nickName' }, user, undefined],
    ['remove of an absent attribute is a no-op', { op: 'remove', path: 'nickName' }, withoutNames, undefined],
    ['replace with null removes', { op: 'replace', path: 'nickName', value: null }, user, undefined],
    ['replace with "" removes', { op: 'Replace', path: 'nickName', value: '' }, user, undefined],
    ['add with null removes', { op: 'add', path: 'nickName', value: null }, user, undefined],
  ])('%s', (_title, operation, before, expected) => {
    const { attributes } = patch([operation], before);
    expect(attributes.nickName).toEqual(expected);
    expect(Object.keys(attributes).filter((k) => k.toLowerCase() === 'nickname').length).toBeLessThanOrEqual(1);
  });

  it.each<[unknown, boolean]>([
    ['False', false],
    ['True', true],
    ['false', false],
    ['true', true],
    ['FALSE', false],
    [false, false],
    [true, true],
  ])('coerces active %j to %j', (value, expected) => {
    const before = { ...user, active: !expected };
    expect(patch([{ op: 'Replace', path: 'active', value }], before).attributes.active).toBe(expected);
  });

  it('writes the canonical name, not the one sent', () => {
    expect(patch([{ op: 'add', path: 'PreferredLanguage', value: 'en-US' }]).attributes).toMatchObject({ preferredLanguage: 'en-US' });
  });
});

describe('applyPatch: single-valued complex attributes (name)', () => {
  const name = user.name as Record<string, unknown>;
  it.each<[string, PatchOperation, unknown]>([
    ['replace of a sub-attribute', { op: 'replace', path: 'name.givenName', value: 'Babs' }, { ...name, givenName: 'Babs' }],
    ['add of a sub-attribute', { op: 'add', path: 'name.middleName', value: 'J' }, { ...name, middleName: 'J' }],
    ['sub-attribute names are case-insensitive', { op: 'add', path: 'NAME.MIDDLENAME', value: 'J' }, { ...name, middleName: 'J' }],
    ['remove of a sub-attribute', { op: 'remove', path: 'name.givenName' }, { formatted: name.formatted, familyName: 'Jensen' }],
    ['replace of a sub-attribute with "" removes it', { op: 'replace', path: 'name.givenName', value: '' }, { formatted: name.formatted, familyName: 'Jensen' }],
    ['replace of the attribute merges (RFC 7644 §3.5.2.3)', { op: 'replace', path: 'name', value: { givenName: 'Babs' } }, { ...name, givenName: 'Babs' }],
    ['add of the attribute merges', { op: 'add', path: 'name', value: { honorificPrefix: 'Ms.' } }, { ...name, honorificPrefix: 'Ms.' }],
    ['a null sub-attribute in a replaced value removes it', { op: 'replace', path: 'name', value: { givenName: null, middleName: 'J' } }, { formatted: name.formatted, familyName: 'Jensen', middleName: 'J' }],
    ['replace of the attribute with null removes it', { op: 'replace', path: 'name', value: null }, undefined],
    ['remove of the attribute', { op: 'remove', path: 'name' }, undefined],
    ['an empty object changes nothing', { op: 'replace', path: 'name', value: {} }, name],
  ])('%s', (_title, operation, expected) => {
    expect(patch([operation]).attributes.name).toEqual(expected);
  });

  it('deletes the attribute when its last sub-attribute is removed', () => {
    const before = { ...user, name: { givenName: 'Barbara' } };
    expect(patch([{ op: 'remove', path: 'name.givenName' }], before).attributes).not.toHaveProperty('name');
  });

  it('creates the attribute from a sub-attribute path', () => {
    expect(patch([{ op: 'add', path: 'name.givenName', value: 'B' }], withoutNames).attributes.name).toEqual({ ...name, givenName: 'B' });
    const { name: _n, ...noName } = user;
    expect(patch([{ op: 'replace', path: 'name.givenName', value: 'B' }], noName).attributes.name).toEqual({ givenName: 'B' });
  });
});

describe('applyPatch: multi-valued attributes (emails)', () => {
  const [work, home] = user.emails as Record<string, unknown>[];
  const other = { value: 'b@other.org', type: 'other' };
  it.each<[string, PatchOperation, unknown]>([
    ['add appends one value', { op: 'add', path: 'emails', value: other }, [work, home, other]],
    ['add appends an array', { op: 'Add', path: 'emails', value: [other] }, [work, home, other]],
    ['add skips a value already present', { op: 'add', path: 'emails', value: [home, other] }, [work, home, other]],
    ['add of a bare string becomes {value}', { op: 'add', path: 'emails', value: 'b@other.org' }, [work, home, { value: 'b@other.org' }]],
    ['add of a primary value clears the other primary (RFC 7644 §3.5.2)', { op: 'add', path: 'emails', value: { ...other, primary: 'True' } }, [{ ...work, primary: false }, home, { ...other, primary: true }]],
    ['add of [] changes nothing', { op: 'add', path: 'emails', value: [] }, [work, home]],
    ['replace replaces all values', { op: 'replace', path: 'emails', value: [other] }, [other]],
    ['replace with [] removes the attribute', { op: 'replace', path: 'emails', value: [] }, undefined],
    ['replace with null removes the attribute', { op: 'replace', path: 'emails', value: null }, undefined],
    ['remove deletes all values', { op: 'remove', path: 'emails' }, undefined],
    ['remove with a value deletes the values containing it', { op: 'Remove', path: 'emails', value: [{ value: 'babs@jensen.org' }] }, [work]],
    ['remove with a value that matches nothing is a no-op', { op: 'remove', path: 'emails', value: [{ value: 'nobody@x' }] }, [work, home]],
    ['replace of a sub-attribute without filter sets it on every value', { op: 'replace', path: 'emails.primary', value: 'False' }, [{ ...work, primary: false }, { ...home, primary: false }]],
    ['remove of a sub-attribute without filter removes it from every value', { op: 'remove', path: 'emails.type' }, [{ value: work.value, primary: true }, { value: home.value }]],
  ])('%s', (_title, operation, expected) => {
    expect(patch([operation]).attributes.emails).toEqual(expected);
  });

  it('drops values left with no sub-attributes, then the attribute', () => {
    expect(patch([{ op: 'remove', path: 'phoneNumbers.value' }, { op: 'remove', path: 'phoneNumbers.type' }]).attributes).not.toHaveProperty('phoneNumbers');
  });
});

describe('applyPatch: results', () => {
  it('lists each changed top-level attribute once, with original and final values', () => {
    const { changes } = patch([
      { op: 'replace', path: 'name.givenName', value: 'B' },
      { op: 'replace', path: 'name.familyName', value: 'J' },
      { op: 'remove', path: 'nickName' },
      { op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter', value: '4130' },
    ]);
    expect(changes).toEqual([
      { attribute: 'nickName', oldValue: 'Babs' },
      { attribute: 'name', oldValue: user.name, newValue: { ...(user.name as object), givenName: 'B', familyName: 'J' } },
      { attribute: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter', newValue: '4130' },
    ]);
  });

  it.each<[string, PatchOperation[]]>([
    ['the same value', [{ op: 'Replace', path: 'displayName', value: 'Babs Jensen' }]],
    ['a value changed and changed back', [{ op: 'replace', path: 'title', value: 'x' }, { op: 'replace', path: 'title', value: 'Tour Guide' }]],
    ['an existing multi-valued value', [{ op: 'add', path: 'emails', value: { type: 'home', value: 'babs@jensen.org' } }]],
    ['an existing boolean sent as a string', [{ op: 'Replace', path: 'active', value: 'True' }]],
    ['no operations', []],
  ])('reports no change for %s', (_title, operations) => {
    const result = patch(operations);
    expect(result.changes).toEqual([]);
    expect(result.attributes).toEqual(user);
  });

  it('does not mutate its input, on success or failure', () => {
    const before = structuredClone(user);
    const frozen = JSON.parse(JSON.stringify(user));
    patch([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y' }, { op: 'remove', path: 'name.givenName' }], frozen);
    expect(() => patch([{ op: 'remove', path: 'emails' }, { op: 'replace', path: 'id', value: '1' }], frozen)).toThrow(ScimError);
    expect(frozen).toEqual(before);
  });

  it('returns a new object sharing nothing mutable with the input', () => {
    const { attributes } = patch([]);
    expect(attributes).not.toBe(user);
    expect(attributes.emails).not.toBe(user.emails);
  });
});
