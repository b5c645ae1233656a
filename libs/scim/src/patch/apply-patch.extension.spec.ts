import bjensen from '../../test/fixtures/patch-user-bjensen.json';
import { UserAttributes } from '../resource/user-attributes';
import { UserSchema } from '../schema/user-schema';
import { PatchOperation, applyPatch } from './apply-patch';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const UNREGISTERED = 'urn:ietf:params:scim:schemas:extension:Unregistered:2.0:User';
const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);
const user: UserAttributes = bjensen;
const enterprise = user[ENTERPRISE] as Record<string, unknown>;
const patch = (operations: readonly PatchOperation[], before: UserAttributes = user) => applyPatch(schema, before, operations);
const { [ENTERPRISE]: _e, [CUSTOM]: _c, ...coreOnly } = user;

describe('applyPatch: extension attributes (URN paths, entra-id.md §2.6)', () => {
  it.each<[string, PatchOperation, string, unknown]>([
    ['a URN path', { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: '42' }, ENTERPRISE, { ...enterprise, employeeNumber: '42' }],
    ['a URN path in another case', { op: 'replace', path: `${ENTERPRISE.toUpperCase()}:EMPLOYEENUMBER`, value: '42' }, ENTERPRISE, { ...enterprise, employeeNumber: '42' }],
    ['an unqualified extension attribute', { op: 'Add', path: 'department', value: 'Dev' }, ENTERPRISE, { ...enterprise, department: 'Dev' }],
    ['remove of a URN path', { op: 'Remove', path: `${ENTERPRISE}:department` }, ENTERPRISE, { employeeNumber: '701984', manager: enterprise.manager }],
    ['a whole-extension path merges its attributes', { op: 'add', path: ENTERPRISE, value: { costCenter: '4130', department: 'Dev' } }, ENTERPRISE, { ...enterprise, costCenter: '4130', department: 'Dev' }],
    ['a whole-extension path in another case', { op: 'replace', path: ENTERPRISE.toLowerCase(), value: { division: 'X' } }, ENTERPRISE, { ...enterprise, division: 'X' }],
    ['remove of a whole extension', { op: 'remove', path: ENTERPRISE }, ENTERPRISE, undefined],
    ['a registered custom attribute', { op: 'Replace', path: `${CUSTOM}:JobCode`, value: 'TG-2' }, CUSTOM, { JobCode: 'TG-2' }],
    ['a registered custom attribute, case-insensitively', { op: 'replace', path: `${CUSTOM.toLowerCase()}:jobcode`, value: 'TG-2' }, CUSTOM, { JobCode: 'TG-2' }],
    ['a core URN path', { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName', value: 'B' }, 'name', { ...(user.name as object), givenName: 'B' }],
  ])('%s', (_title, operation, key, expected) => {
    expect(patch([operation]).attributes[key]).toEqual(expected);
  });

  it('deletes the extension object when its last attribute is removed', () => {
    expect(patch([{ op: 'remove', path: `${CUSTOM}:JobCode` }]).attributes).not.toHaveProperty(CUSTOM);
  });

  it('creates the extension object on the first attribute', () => {
    expect(patch([{ op: 'Add', path: `${ENTERPRISE}:department`, value: 'Dev' }], coreOnly).attributes[ENTERPRISE]).toEqual({ department: 'Dev' });
  });

  it.each<[string, PatchOperation, string]>([
    ['an attribute of an unknown extension', { op: 'Add', path: `${UNREGISTERED}:JobCode`, value: 'x' }, `${UNREGISTERED}:JobCode`],
    ['an unregistered attribute of a known custom extension', { op: 'replace', path: `${CUSTOM}:CostCode`, value: 'x' }, `${CUSTOM}:CostCode`],
    ['a whole unknown extension', { op: 'add', path: UNREGISTERED, value: { JobCode: 'x' } }, UNREGISTERED],
    ['remove of an unknown extension attribute', { op: 'remove', path: `${UNREGISTERED}:JobCode` }, `${UNREGISTERED}:JobCode`],
    ['password (writeOnly; never stored)', { op: 'replace', path: 'password', value: 'secret' }, 'password'],
    ['an unknown sub-attribute inside a value', { op: 'add', path: 'emails', value: { value: 'a@x', foo: 'bar' } }, 'emails.foo'],
  ])('skips and reports %s', (_title, operation, dropped) => {
    const result = patch([operation]);
    expect(result.dropped).toEqual([dropped]);
    expect(result.attributes).not.toHaveProperty('password');
    expect(result.changes.filter((c) => c.attribute !== 'emails')).toEqual([]);
  });

  it('reports a dropped name once', () => {
    const op: PatchOperation = { op: 'Replace', path: `${UNREGISTERED}:JobCode`, value: 'x' };
    expect(patch([op, op]).dropped).toEqual([`${UNREGISTERED}:JobCode`]);
  });
});

describe('applyPatch: manager (entra-id.md §2.7)', () => {
  const managerPath = `${ENTERPRISE}:manager`;
  it.each<[string, unknown, object]>([
    ['a bare id string', '271', { value: '271' }],
    ['a bare number', 271, { value: '271' }],
    ['{value}', { value: '271' }, { value: '271' }],
    ['[{$ref, value}] (tutorial Example 5)', [{ $ref: 'https://example.com/scim/Users/271', value: '271' }], { value: '271', $ref: 'https://example.com/scim/Users/271' }],
    ['{value, $ref, displayName} (displayName is read-only)', { value: '271', $ref: '../Users/271', displayName: 'Boss' }, { value: '271', $ref: '../Users/271' }],
  ])('stores %s as {value} and the $ref sent', (_title, value, stored) => {
    for (const path of [managerPath, 'manager', 'MANAGER']) {
      for (const op of ['Add', 'replace']) {
        expect((patch([{ op, path, value }]).attributes[ENTERPRISE] as Record<string, unknown>).manager).toEqual(stored);
      }
    }
  });

  it.each<[string, PatchOperation]>([
    ['replace with ""', { op: 'Replace', path: managerPath, value: '' }],
    ['replace with null', { op: 'replace', path: 'manager', value: null }],
    ['replace with []', { op: 'replace', path: 'manager', value: [] }],
    ['replace with {value: ""}', { op: 'replace', path: managerPath, value: { value: '' } }],
    ['remove', { op: 'Remove', path: managerPath }],
    ['remove of manager.value', { op: 'remove', path: `${managerPath}.value` }],
  ])('removes the manager on %s', (_title, operation) => {
    const result = patch([operation]);
    expect(result.attributes[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });
    expect(result.changes).toEqual([{ attribute: managerPath, oldValue: { value: '26118915' } }]);
  });

  it('replaces the id through manager.value', () => {
    expect(patch([{ op: 'replace', path: `${managerPath}.value`, value: '9' }]).attributes[ENTERPRISE]).toMatchObject({ manager: { value: '9' } });
  });
});

describe('applyPatch: operations without path (RFC 7644 §3.5.2.1, §3.5.2.3; Entra aadOptscim062020 folding)', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['plain names', { displayName: 'B', NICKNAME: 'Bee' }, { displayName: 'B', nickName: 'Bee' }],
    ['dotted keys are paths, not names', { 'name.givenName': 'B', 'name.familyName': 'J' }, { name: { ...(user.name as object), givenName: 'B', familyName: 'J' } }],
    ['full-URN keys', { [`${ENTERPRISE}:employeeNumber`]: '42', [`${CUSTOM}:JobCode`]: 'TG-2' }, { [ENTERPRISE]: { ...enterprise, employeeNumber: '42' }, [CUSTOM]: { JobCode: 'TG-2' } }],
    ['extension-URN keys with an object', { [ENTERPRISE]: { department: 'Dev', manager: '7' } }, { [ENTERPRISE]: { ...enterprise, department: 'Dev', manager: { value: '7' } } }],
    ['a complex value merges', { name: { givenName: 'B' } }, { name: { ...(user.name as object), givenName: 'B' } }],
    ['a multi-valued value replaces all', { emails: [{ value: 'a@x', type: 'work' }] }, { emails: [{ value: 'a@x', type: 'work' }] }],
    ['string booleans', { active: 'False' }, { active: false }],
    ['schemas, id and meta are ignored', { schemas: ['x'], id: '1', meta: { version: 'W/"1"' }, title: 'T' }, { title: 'T' }],
    ['a null member removes', { nickName: null, title: '' }, { nickName: undefined, title: undefined }],
    ['filter keys', { 'emails[type eq "work"].value': 'a@x' }, { emails: [{ ...(user.emails as object[])[0], value: 'a@x' }, (user.emails as object[])[1]] }],
  ])('%s', (_title, value, expected) => {
    const { attributes } = patch([{ op: 'replace', value }]);
    expect(attributes).toEqual(JSON.parse(JSON.stringify({ ...user, ...expected })));
    expect(Object.keys(attributes).filter((key) => !key.startsWith('urn:') && key.includes('.'))).toEqual([]);
  });

  it('skips unknown extension keys and reports them', () => {
    const result = patch([{ op: 'add', value: { [UNREGISTERED]: { JobCode: 'x' }, [`${CUSTOM}:Other`]: 'y', title: 'T' } }]);
    expect(result.dropped).toEqual([UNREGISTERED, `${CUSTOM}:Other`]);
    expect(result.changes).toEqual([{ attribute: 'title', oldValue: 'Tour Guide', newValue: 'T' }]);
  });
});
