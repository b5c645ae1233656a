import bjensen from '../../test/fixtures/patch-user-bjensen.json';
import { UserAttributes } from '../resource/user-attributes';
import { UserSchema } from '../schema/user-schema';
import { PatchOperation, applyPatch } from './apply-patch';

const schema = UserSchema.withCustomAttributes(['urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:JobCode']);
const user: UserAttributes = bjensen;
const patch = (operations: readonly PatchOperation[], before: UserAttributes = user) => applyPatch(schema, before, operations);
const [work, home] = user.emails as Record<string, unknown>[];
const [workAddress] = user.addresses as Record<string, unknown>[];
const [role] = user.roles as Record<string, unknown>[];
const { emails: _e, phoneNumbers: _p, addresses: _a, roles: _r, ...bare } = user;

describe('applyPatch: value filter paths (RFC 7644 §3.5.2, valuePath)', () => {
  it.each<[string, PatchOperation, string, unknown]>([
    ['replace of a sub-attribute of the matching value', { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }, 'emails', [{ ...work, value: 'new@example.com' }, home]],
    ['string comparison is case-insensitive', { op: 'replace', path: 'emails[TYPE eq "WORK"].value', value: 'n@x' }, 'emails', [{ ...work, value: 'n@x' }, home]],
    ['add on a filter path behaves as replace', { op: 'Add', path: 'emails[type eq "home"].display', value: 'Home' }, 'emails', [work, { ...home, display: 'Home' }]],
    ['addresses[type eq "work"].locality', { op: 'replace', path: 'addresses[type eq "work"].locality', value: 'Burbank' }, 'addresses', [{ ...workAddress, locality: 'Burbank' }]],
    ['roles[primary eq "True"] compares a boolean with a string', { op: 'Replace', path: 'roles[primary eq "True"].value', value: 'User' }, 'roles', [{ ...role, value: 'User' }]],
    ['replace of the matching value merges an object', { op: 'replace', path: 'emails[type eq "work"]', value: { value: 'n@x' } }, 'emails', [{ ...work, value: 'n@x' }, home]],
    ['and/ew filters', { op: 'remove', path: 'emails[type eq "work" and value ew "EXAMPLE.COM"]' }, 'emails', [home]],
    ['or filters', { op: 'remove', path: 'emails[type eq "home" or type eq "other"]' }, 'emails', [work]],
    ['not filters', { op: 'remove', path: 'emails[not (type eq "work")]' }, 'emails', [work]],
    ['pr filters', { op: 'remove', path: 'emails[primary pr]' }, 'emails', [home]],
    ['remove of the matching value', { op: 'Remove', path: 'emails[type eq "home"]' }, 'emails', [work]],
    ['remove of a sub-attribute of the matching value', { op: 'remove', path: 'emails[type eq "work"].primary' }, 'emails', [{ value: work.value, type: 'work' }, home]],
    ['remove with no match is a no-op', { op: 'remove', path: 'emails[type eq "other"]' }, 'emails', [work, home]],
    ['replace of a sub-attribute with null removes it', { op: 'replace', path: 'emails[type eq "work"].primary', value: null }, 'emails', [{ value: work.value, type: 'work' }, home]],
    ['setting primary on one value clears it on the others', { op: 'replace', path: 'emails[type eq "home"].primary', value: true }, 'emails', [{ ...work, primary: false }, { ...home, primary: true }]],
    ['a filter on a single-valued complex attribute', { op: 'replace', path: 'name[givenName eq "barbara"].familyName', value: 'J' }, 'name', { ...(user.name as object), familyName: 'J' }],
  ])('%s', (_title, operation, attribute, expected) => {
    expect(patch([operation]).attributes[attribute]).toEqual(expected);
  });
});

describe('applyPatch: upsert when no value matches (Entra quirk, entra-id.md §2.5)', () => {
  it.each<[string, PatchOperation[], UserAttributes, string, unknown]>([
    ['replace creates {type, value}', [{ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0101' }], user, 'phoneNumbers', [...(user.phoneNumbers as object[]), { type: 'mobile', value: '+1 555 0101' }]],
    ['add creates the first value of an absent attribute', [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'a@x' }], bare, 'emails', [{ type: 'work', value: 'a@x' }]],
    ['replace of a whole value creates it', [{ op: 'replace', path: 'emails[type eq "other"]', value: { value: 'o@x', display: 'O' } }], user, 'emails', [work, home, { type: 'other', value: 'o@x', display: 'O' }]],
    ['several operations on one filter land in one value', [
      { op: 'Add', path: 'addresses[type eq "work"].formatted', value: '1 Main St, Springfield' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
      { op: 'Add', path: 'addresses[type eq "work"].region', value: 'IL' },
    ], bare, 'addresses', [{ type: 'work', formatted: '1 Main St, Springfield', locality: 'Springfield', region: 'IL' }]],
    ['the filter literal is coerced by type', [{ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'Reader' }], bare, 'roles', [{ primary: true, value: 'Reader' }]],
    ['every eq of an and-chain is copied', [{ op: 'replace', path: 'emails[type eq "work" and primary eq true].value', value: 'a@x' }], bare, 'emails', [{ type: 'work', primary: true, value: 'a@x' }]],
    ['a sub-attribute path without filter creates one value', [{ op: 'add', path: 'emails.value', value: 'a@x' }], bare, 'emails', [{ value: 'a@x' }]],
    ['replace with null creates nothing', [{ op: 'replace', path: 'phoneNumbers[type eq "fax"].value', value: null }], bare, 'phoneNumbers', undefined],
  ])('%s', (_title, operations, before, attribute, expected) => {
    expect(patch(operations, before).attributes[attribute]).toEqual(expected);
  });

  it('leaves values of other types untouched', () => {
    const { attributes, changes } = patch([{ op: 'replace', path: 'emails[type eq "other"].value', value: 'o@x' }]);
    expect((attributes.emails as unknown[]).slice(0, 2)).toEqual([work, home]);
    expect(changes).toHaveLength(1);
  });

  // Only filters that name a kind of element (type, primary) create one; others keep RFC 7644's noTarget.
  it.each([
    ['a filter on a value', 'emails[value eq "nobody@x"].primary', true],
    ['a filter on a complex attribute\'s sub-attribute', 'name[givenName eq "B"].familyName', 'J'],
    ['a filter with a non-eq operator', 'emails[type co "zzz"].value', 'a@x'],
  ])('answers noTarget for %s that matches nothing', (_what, path, value) => {
    const { name: _n, ...noName } = user;
    expect(() => patch([{ op: 'replace', path, value }], noName)).toThrow(expect.objectContaining({ scimType: 'noTarget', status: 400 }));
  });
});
