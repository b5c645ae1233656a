import bjensen from '../../test/fixtures/patch-user-bjensen.json';
import { ScimError, ScimType } from '../errors/scim-error';
import { UserAttributes } from '../resource/user-attributes';
import { UserSchema } from '../schema/user-schema';
import { PatchOperation, applyPatch } from './apply-patch';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const schema = UserSchema.withCustomAttributes(['urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:JobCode']);
const user: UserAttributes = bjensen;

function errorOf(operations: unknown): ScimError {
  const snapshot = structuredClone(user);
  try {
    applyPatch(schema, user, operations as PatchOperation[]);
  } catch (error) {
    expect(user).toEqual(snapshot);
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('applyPatch did not throw');
}

describe('applyPatch: errors (RFC 7644 §3.5.2, §3.12)', () => {
  it.each<{ title: string; operations: unknown; scimType: ScimType }>([
    { title: 'an unknown op', operations: [{ op: 'copy', path: 'title', value: 'x' }], scimType: 'invalidSyntax' },
    { title: 'a JSON Patch op', operations: [{ op: 'test', path: 'title', value: 'x' }], scimType: 'invalidSyntax' },
    { title: 'a missing op', operations: [{ path: 'title', value: 'x' }], scimType: 'invalidSyntax' },
    { title: 'a non-string op', operations: [{ op: 1, path: 'title', value: 'x' }], scimType: 'invalidSyntax' },
    { title: 'an operation that is not an object', operations: ['add'], scimType: 'invalidSyntax' },
    { title: 'Operations that is not an array', operations: { op: 'add', path: 'title', value: 'x' }, scimType: 'invalidSyntax' },

    { title: 'remove without path', operations: [{ op: 'Remove' }], scimType: 'noTarget' },
    { title: 'remove without path but with a value', operations: [{ op: 'remove', value: { title: 'x' } }], scimType: 'noTarget' },
    { title: 'an upsert that cannot match its own filter', operations: [{ op: 'replace', path: 'emails[value co "zzz"].type', value: 'work' }], scimType: 'noTarget' },
    { title: 'an upsert through a filter without eq', operations: [{ op: 'add', path: 'emails[type sw "x"].value', value: 'a@x' }], scimType: 'noTarget' },
    { title: 'a filter on a present single-valued complex attribute that does not match', operations: [{ op: 'replace', path: 'name[givenName eq "Nobody"].familyName', value: 'J' }], scimType: 'noTarget' },

    // A bare unknown name is an unregistered plain custom attribute, dropped (apply-patch.entra.spec.ts).
    { title: 'a sub-attribute of an unknown attribute', operations: [{ op: 'add', path: 'foo.bar', value: 'x' }], scimType: 'invalidPath' },
    { title: 'a filter on an unknown attribute', operations: [{ op: 'add', path: 'foo[value eq "x"]', value: 'x' }], scimType: 'invalidPath' },
    { title: 'a name no attribute can have', operations: [{ op: 'add', path: '_foo', value: 'x' }], scimType: 'invalidPath' },
    { title: 'an unknown dotted key of an unknown attribute without path', operations: [{ op: 'replace', value: { 'foo.bar': 'x' } }], scimType: 'invalidPath' },
    { title: 'an unknown dotted key without path', operations: [{ op: 'replace', value: { 'name.nickname': 'x' } }], scimType: 'invalidPath' },
    { title: 'an unknown sub-attribute', operations: [{ op: 'replace', path: 'name.nickname', value: 'x' }], scimType: 'invalidPath' },
    { title: 'an unknown sub-attribute of a multi-valued attribute', operations: [{ op: 'replace', path: 'emails[type eq "work"].address', value: 'x' }], scimType: 'invalidPath' },
    { title: 'a sub-attribute of a simple attribute', operations: [{ op: 'replace', path: 'displayName.value', value: 'x' }], scimType: 'invalidPath' },
    { title: 'an unknown enterprise attribute', operations: [{ op: 'add', path: `${ENTERPRISE}:badge`, value: 'x' }], scimType: 'invalidPath' },
    { title: 'an unknown core attribute by URN', operations: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:User:foo', value: 'x' }], scimType: 'invalidPath' },
    { title: 'a filter on a single-valued simple attribute', operations: [{ op: 'replace', path: 'displayName[value eq "x"]', value: 'y' }], scimType: 'invalidPath' },
    { title: 'a filter on an unknown sub-attribute', operations: [{ op: 'remove', path: 'emails[kind eq "work"]' }], scimType: 'invalidPath' },
    { title: 'a filter or sub-attribute on a whole extension', operations: [{ op: 'remove', path: `${ENTERPRISE}[department eq "x"]` }], scimType: 'invalidPath' },
    { title: 'a malformed path', operations: [{ op: 'remove', path: 'emails[type eq "work"' }], scimType: 'invalidPath' },
    { title: 'an empty path', operations: [{ op: 'replace', path: '', value: 'x' }], scimType: 'invalidPath' },
    { title: 'a path that is not a string', operations: [{ op: 'replace', path: 5, value: 'x' }], scimType: 'invalidPath' },

    { title: 'replace of id', operations: [{ op: 'replace', path: 'id', value: '1' }], scimType: 'mutability' },
    { title: 'remove of id', operations: [{ op: 'Remove', path: 'ID' }], scimType: 'mutability' },
    { title: 'replace of meta.lastModified', operations: [{ op: 'replace', path: 'meta.lastModified', value: '2020-01-01T00:00:00Z' }], scimType: 'mutability' },
    { title: 'add to groups', operations: [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], scimType: 'mutability' },
    { title: 'remove of groups by filter', operations: [{ op: 'remove', path: 'groups[value eq "g1"]' }], scimType: 'mutability' },
    { title: 'groups without path', operations: [{ op: 'add', value: { groups: [{ value: 'g1' }] } }], scimType: 'mutability' },
    { title: 'replace of the readOnly manager.displayName', operations: [{ op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'Boss' }], scimType: 'mutability' },
    { title: 'replace of schemas', operations: [{ op: 'replace', path: 'schemas', value: [] }], scimType: 'mutability' },

    { title: 'add without value', operations: [{ op: 'add', path: 'title' }], scimType: 'invalidValue' },
    { title: 'replace without path and with a string value', operations: [{ op: 'replace', value: 'x' }], scimType: 'invalidValue' },
    { title: 'replace without path and with an array value', operations: [{ op: 'replace', value: [{ title: 'x' }] }], scimType: 'invalidValue' },
    { title: 'replace without path and with null', operations: [{ op: 'Replace', value: null }], scimType: 'invalidValue' },
    { title: 'a boolean that is not true or false', operations: [{ op: 'Replace', path: 'active', value: 'maybe' }], scimType: 'invalidValue' },
    { title: 'a number for a boolean', operations: [{ op: 'replace', path: 'active', value: 1 }], scimType: 'invalidValue' },
    { title: 'a number for a string', operations: [{ op: 'replace', path: 'title', value: 5 }], scimType: 'invalidValue' },
    { title: 'a string for a complex attribute without value', operations: [{ op: 'replace', path: 'name', value: 'Barbara Jensen' }], scimType: 'invalidValue' },
    { title: 'a boolean in a filtered sub-attribute', operations: [{ op: 'replace', path: 'emails[type eq "work"].primary', value: 'yes' }], scimType: 'invalidValue' },
    { title: 'a boolean inside a value without path', operations: [{ op: 'add', value: { emails: [{ value: 'a@x', primary: 'sometimes' }] } }], scimType: 'invalidValue' },
    { title: 'a non-object for a whole extension', operations: [{ op: 'add', path: ENTERPRISE, value: 'Dev' }], scimType: 'invalidValue' },
    { title: 'remove of the required userName', operations: [{ op: 'remove', path: 'userName' }], scimType: 'invalidValue' },
    { title: 'replace of userName with ""', operations: [{ op: 'Replace', path: 'userName', value: '' }], scimType: 'invalidValue' },
  ])('$title → $scimType', ({ operations, scimType }) => {
    const error = errorOf(operations);
    expect(error.scimType).toBe(scimType);
    expect(error.status).toBe(400);
  });

  it('applies nothing when a later operation fails (all or nothing)', () => {
    const error = errorOf([
      { op: 'replace', path: 'displayName', value: 'Changed' },
      { op: 'remove', path: 'emails' },
      { op: 'replace', path: 'active', value: 'perhaps' },
    ]);
    expect(error.scimType).toBe('invalidValue');
  });
});
