import bjensen from '../../test/fixtures/patch-user-bjensen.json';
import { UserAttributes } from '../resource/user-attributes';
import { UserSchema } from '../schema/user-schema';
import { PatchOperation, applyPatch } from './apply-patch';

/** The Microsoft Entra ID PATCH catalogue of entra-id.md §2.4–2.9, default mode and aadOptscim062020 mode. */
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);
const user: UserAttributes = bjensen;
/** What a default Entra POST leaves stored: no nickName, no addresses, no phones, no manager yet. */
const created: UserAttributes = {
  userName: 'Test_User_ab6490ee@contoso.com',
  externalId: 'Test_User_ab6490ee',
  active: true,
  emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@contoso.com' }],
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  [ENTERPRISE]: { employeeNumber: '1', department: 'Dev' },
};
const body = (json: string): readonly PatchOperation[] => JSON.parse(json).Operations;

describe('Entra default mode (capitalised ops, string booleans)', () => {
  it.each<[string, readonly PatchOperation[], UserAttributes, Record<string, unknown>]>([
    ['§2.4 Replace userName', body('{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"userName","value":"new@contoso.com"}]}'), created, { userName: 'new@contoso.com' }],
    ['§2.4 Add of an attribute absent in the target', [{ op: 'Add', path: 'nickName', value: 'Babs' }], created, { nickName: 'Babs' }],
    ['§2.4 one Replace per attribute', [
      { op: 'Replace', path: 'displayName', value: 'Given Family' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updated@contoso.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Given' },
      { op: 'Replace', path: 'name.familyName', value: 'Family' },
      { op: 'Replace', path: 'externalId', value: 'gfamily' },
      { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: '2' },
    ], created, {
      displayName: 'Given Family',
      emails: [{ primary: true, type: 'work', value: 'updated@contoso.com' }],
      name: { formatted: 'givenName familyName', givenName: 'Given', familyName: 'Family' },
      externalId: 'gfamily',
      [ENTERPRISE]: { employeeNumber: '2', department: 'Dev' },
    }],
    ['§2.5 first value of a type is an Add on a filter path', [{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 (555) 0100' }], created, { phoneNumbers: [{ type: 'mobile', value: '+1 (555) 0100' }] }],
    ['§2.5 several sub-attributes on one filter make one value', [
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Microsoft Way' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Redmond' },
      { op: 'Add', path: 'addresses[type eq "work"].region', value: 'WA' },
      { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: '98052' },
      { op: 'Add', path: 'addresses[type eq "work"].country', value: 'US' },
    ], created, { addresses: [{ type: 'work', streetAddress: '1 Microsoft Way', locality: 'Redmond', region: 'WA', postalCode: '98052', country: 'US' }] }],
    ['§2.5 roles[primary eq "True"] mapping', [
      { op: 'Add', path: 'roles[primary eq "True"].value', value: 'Admin' },
      { op: 'Add', path: 'roles[primary eq "True"].display', value: 'Administrator' },
      { op: 'Add', path: 'roles[primary eq "True"].type', value: 'WindowsAzureActiveDirectoryRole' },
    ], created, { roles: [{ primary: true, value: 'Admin', display: 'Administrator', type: 'WindowsAzureActiveDirectoryRole' }] }],
    ['§2.6 Add/Replace of enterprise URN paths', [
      { op: 'Add', path: `${ENTERPRISE}:costCenter`, value: '4130' },
      { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Development' },
    ], created, { [ENTERPRISE]: { employeeNumber: '1', department: 'Development', costCenter: '4130' } }],
    ['§2.6 Replace of a registered custom attribute', [{ op: 'Replace', path: `${CUSTOM}:JobCode`, value: 'J-7' }], created, { [CUSTOM]: { JobCode: 'J-7' } }],
    ['§2.7 manager as a bare id', [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: '271' }], created, { [ENTERPRISE]: { employeeNumber: '1', department: 'Dev', manager: { value: '271' } } }],
    ['§2.7 manager as the tutorial\'s [{$ref, value}]', [{ op: 'Add', path: 'manager', value: [{ $ref: 'http://example.com/scim/v2/Users/271', value: '271' }] }], created, { [ENTERPRISE]: { employeeNumber: '1', department: 'Dev', manager: { value: '271', $ref: 'http://example.com/scim/v2/Users/271' } } }],
    ['§2.7 manager "Replace with empty"', [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' }], { ...created, [ENTERPRISE]: { manager: { value: '271' } } }, { [ENTERPRISE]: undefined }],
    ['§2.8 disable with "False"', body('{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}'), created, { active: false }],
    ['§2.8 disable, tutorial variant (Operations before schemas, boolean)', body('{"Operations":[{"op":"Replace","path":"active","value":false}],"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}'), created, { active: false }],
    ['§2.8 disable with a customised lower-case "false"', [{ op: 'Replace', path: 'active', value: 'false' }], created, { active: false }],
    ['§2.9 enable with "True" and another attribute', [{ op: 'Replace', path: 'active', value: 'True' }, { op: 'Replace', path: 'displayName', value: 'Back' }], { ...created, active: false }, { active: true, displayName: 'Back' }],
    ['§2.12 member-removal shape applied to emails', [{ op: 'Remove', path: 'emails', value: [{ value: 'Test_User_fd0ea19b@contoso.com' }] }], created, { emails: undefined }],
  ])('%s', (_title, operations, before, expected) => {
    const result = applyPatch(schema, before, operations);
    expect(result.attributes).toEqual(JSON.parse(JSON.stringify({ ...before, ...expected })));
    expect(result.dropped).toEqual([]);
  });
});

describe('Entra aadOptscim062020 mode (lower-case ops, folded path-less values)', () => {
  it.each<[string, readonly PatchOperation[], UserAttributes, Record<string, unknown>]>([
    ['§2.4 add with path', [{ op: 'add', path: 'nickName', value: 'Babs' }], created, { nickName: 'Babs' }],
    ['§2.4 folded replace with dotted and URN keys', [{ op: 'replace', value: { displayName: 'G F', 'name.givenName': 'G', 'name.familyName': 'F', [`${ENTERPRISE}:employeeNumber`]: '9' } }], created, {
      displayName: 'G F',
      name: { formatted: 'givenName familyName', givenName: 'G', familyName: 'F' },
      [ENTERPRISE]: { employeeNumber: '9', department: 'Dev' },
    }],
    ['§2.4 folded add', [{ op: 'add', value: { displayName: 'G F', title: 'Eng', 'name.givenName': 'G', 'name.familyName': 'F', 'name.formatted': 'G F' } }], created, {
      displayName: 'G F',
      title: 'Eng',
      name: { formatted: 'G F', givenName: 'G', familyName: 'F' },
    }],
    ['§2.4 filtered paths keep their own op next to a folded one', [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'n@contoso.com' },
      { op: 'replace', value: { externalId: 'x', [`${CUSTOM}:JobCode`]: 'J-1' } },
    ], created, { emails: [{ primary: true, type: 'work', value: 'n@contoso.com' }], externalId: 'x', [CUSTOM]: { JobCode: 'J-1' } }],
    ['§2.5 draft: primary as a boolean on a filter path', [{ op: 'replace', path: 'emails[type eq "work"].primary', value: true }], created, {}],
    ['§2.7 manager with lower-case add', [{ op: 'add', path: `${ENTERPRISE}:manager`, value: '271' }], created, { [ENTERPRISE]: { employeeNumber: '1', department: 'Dev', manager: { value: '271' } } }],
    ['§2.7 manager as a folded URN key', [{ op: 'replace', value: { [`${ENTERPRISE}:manager`]: '271' } }], created, { [ENTERPRISE]: { employeeNumber: '1', department: 'Dev', manager: { value: '271' } } }],
    ['§2.8 disable with a boolean', [{ op: 'replace', path: 'active', value: false }], created, { active: false }],
    ['§2.8 draft/validator: active folded into a path-less replace', [{ op: 'replace', value: { active: false, userName: 'Test_User_ab6490ee@contoso.com' } }], created, { active: false }],
    ['§2.9 enable with a boolean', [{ op: 'replace', path: 'active', value: true }], { ...created, active: false }, { active: true }],
    ['§2.6 extension object key (RFC form)', [{ op: 'add', value: { [ENTERPRISE]: { division: 'West' } } }], created, { [ENTERPRISE]: { employeeNumber: '1', department: 'Dev', division: 'West' } }],
  ])('%s', (_title, operations, before, expected) => {
    const result = applyPatch(schema, before, operations);
    expect(result.attributes).toEqual(JSON.parse(JSON.stringify({ ...before, ...expected })));
  });
});

describe('Entra custom extension attributes (entra-id.md §2.6, registered or not)', () => {
  const path = `${CUSTOM}:JobCode`;
  it.each<[string, UserSchema, UserAttributes | undefined, readonly string[]]>([
    ['registered: stored', schema, { JobCode: 'J-9' }, []],
    ['not registered: skipped and reported', UserSchema.withCustomAttributes([]), undefined, [path]],
    ['another attribute registered: skipped and reported', UserSchema.withCustomAttributes([`${CUSTOM}:CostCode`]), undefined, [path]],
  ])('%s', (_title, idpSchema, expected, dropped) => {
    for (const operations of [[{ op: 'Replace', path, value: 'J-9' }], [{ op: 'replace', value: { [path]: 'J-9' } }]]) {
      const result = applyPatch(idpSchema, created, operations);
      expect(result.attributes[CUSTOM]).toEqual(expected);
      expect(result.dropped).toEqual(dropped);
    }
  });
});

describe('Entra re-sends (entra-id.md §3.3: values read back unchanged mean no further PATCH)', () => {
  it.each<[string, readonly PatchOperation[]]>([
    ['string boolean equal to the stored boolean', [{ op: 'Replace', path: 'active', value: 'True' }]],
    ['manager id equal to the stored {value}', [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: '26118915' }]],
    ['filter value equal to the stored one', [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'bjensen@example.com' }]],
    ['folded values equal to the stored ones', [{ op: 'replace', value: { 'name.givenName': 'Barbara', [`${ENTERPRISE}:department`]: 'Tour Operations' } }]],
  ])('%s yields no change', (_title, operations) => {
    expect(applyPatch(schema, user, operations).changes).toEqual([]);
  });
});

describe('Entra custom attributes typed with a plain name (entra-id.md §2.6; the guide\'s JobCode, CompanyID, …)', () => {
  const plain = UserSchema.withCustomAttributes(['JobCode', `${CUSTOM}:JobCode`, { name: 'Badge', type: 'integer' }, { name: 'Remote', type: 'boolean' }]);

  it.each<[string, readonly PatchOperation[], Record<string, unknown>]>([
    ['default mode: Add with the bare name as path', [{ op: 'Add', path: 'JobCode', value: 'J-1' }], { JobCode: 'J-1' }],
    ['default mode: Replace, the name in another case', [{ op: 'Replace', path: 'jobcode', value: 'J-2' }], { JobCode: 'J-2' }],
    ['flag mode: a key of a folded path-less value', [{ op: 'replace', value: { displayName: 'G F', JobCode: 'J-3' } }], { displayName: 'G F', JobCode: 'J-3' }],
    ['both forms side by side, each where it was sent', [{ op: 'add', value: { JobCode: 'plain', [`${CUSTOM}:JobCode`]: 'full' } }], { JobCode: 'plain', [CUSTOM]: { JobCode: 'full' } }],
    ['an integer sent as a string', [{ op: 'Add', path: 'Badge', value: '42' }], { Badge: 42 }],
    ['a boolean sent as "True"', [{ op: 'Add', path: 'Remote', value: 'True' }], { Remote: true }],
  ])('%s', (_title, operations, expected) => {
    const result = applyPatch(plain, created, operations);
    expect(result.attributes).toEqual({ ...created, ...expected });
    expect(result.dropped).toEqual([]);
  });

  it('removes a plain attribute by its bare name', () => {
    expect(applyPatch(plain, { ...created, JobCode: 'J-1' }, [{ op: 'Remove', path: 'JOBCODE' }]).attributes).toEqual(created);
  });

  it('re-sending the stored value changes nothing (an integer sent as a string included)', () => {
    const stored = { ...created, JobCode: 'J-1', Badge: 42, Remote: false };
    const resent = [{ op: 'Replace', path: 'JobCode', value: 'J-1' }, { op: 'Replace', path: 'Badge', value: '42' }, { op: 'replace', value: { Remote: 'False' } }];
    expect(applyPatch(plain, stored, resent).changes).toEqual([]);
  });

  it('a value that does not fit the registered type is a 400 invalidValue naming the attribute', () => {
    expect(() => applyPatch(plain, created, [{ op: 'Add', path: 'Badge', value: 'forty-two' }])).toThrow(
      expect.objectContaining({ status: 400, scimType: 'invalidValue', detail: expect.stringContaining('"Badge"') }),
    );
  });

  // Registered by its full name only: written by its bare name it would be read back inside the
  // extension, where Entra does not look for it, and re-sent every cycle. So it is dropped.
  it.each<[string, readonly PatchOperation[]]>([
    ['with a path', [{ op: 'Add', path: 'JobCode', value: 'J-1' }]],
    ['in a folded path-less value', [{ op: 'add', value: { jobcode: 'J-1' } }]],
  ])('drops a bare name %s that only a custom extension has', (_title, operations) => {
    const result = applyPatch(schema, created, operations);
    expect(result.attributes).toEqual(created);
    expect(result.dropped).toHaveLength(1);
    expect(result.dropped[0].toLowerCase()).toBe('jobcode');
  });

  // Before the administrator registers it, or after it is retired: Entra keeps sending it.
  it.each<[string, readonly PatchOperation[]]>([
    ['with a path', [{ op: 'Add', path: 'CompanyID', value: '42' }, { op: 'Replace', path: 'title', value: 'Eng' }]],
    ['in a folded path-less value', [{ op: 'replace', value: { CompanyID: '42', title: 'Eng' } }]],
  ])('drops an unregistered plain name %s and applies the rest', (_title, operations) => {
    const result = applyPatch(plain, created, operations);
    expect(result.attributes).toEqual({ ...created, title: 'Eng' });
    expect(result.dropped).toEqual(['CompanyID']);
  });
});
