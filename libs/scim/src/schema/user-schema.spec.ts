import { CORE_USER_SCHEMA_ID } from './core-user.schema';
import { ENTERPRISE_USER_SCHEMA_ID } from './enterprise-user.schema';
import { UserSchema, parseCustomAttributeName } from './user-schema';

const CORE = CORE_USER_SCHEMA_ID;
const ENTERPRISE = ENTERPRISE_USER_SCHEMA_ID;
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);
const located = (urn: string | undefined, name: string) => {
  const resolved = schema.resolve(urn, name);
  return resolved && { schemaId: resolved.schemaId, name: resolved.definition.name };
};

describe('parseCustomAttributeName', () => {
  it.each([
    [`${CUSTOM}:JobCode`, CUSTOM, 'JobCode'],
    [`  ${CUSTOM}:JobCode `, CUSTOM, 'JobCode'],
    ['urn:contoso:scim:HR:1.0:User:cost_center-2', 'urn:contoso:scim:HR:1.0:User', 'cost_center-2'],
  ])('splits %j', (fullName, schemaId, attributeName) => {
    expect(parseCustomAttributeName(fullName)).toEqual({ schemaId, attributeName });
  });

  it.each([
    `${CORE}:userName`,
    `${ENTERPRISE}:department`,
    `${ENTERPRISE.toUpperCase().replace('URN:', 'urn:')}:DEPARTMENT`,
  ])('refuses %s, an attribute of a standard schema', (fullName) => {
    expect(() => parseCustomAttributeName(fullName)).toThrow('belongs to a standard schema');
  });

  it.each([
    ['a bare name', 'JobCode'],
    ['an empty string', ''],
    ['a URN with no attribute', `${CUSTOM}:`],
    ['a URN alone', 'urn:x'],
    ['an attribute with a dot', `${CUSTOM}:Job.Code`],
    ['an attribute with a space', `${CUSTOM}:Job Code`],
    ['an attribute starting with a digit', `${CUSTOM}:2JobCode`],
    ['not a URN', 'http://example.com/ext:JobCode'],
  ])('refuses %s as malformed', (_case, fullName) => {
    expect(() => parseCustomAttributeName(fullName)).toThrow('is not a custom attribute name of the form');
  });

  // The standard-schema check compares the URN before the last colon only, so a sub-attribute
  // spelled with a colon under a standard URN slips through as a made-up "extension".
  it.each([`${CORE}:name:givenName`, `${ENTERPRISE}:manager:value`])('refuses %s, under a standard schema URN', (fullName) => {
    expect(() => parseCustomAttributeName(fullName)).toThrow('belongs to a standard schema');
  });
});

describe('UserSchema.withCustomAttributes', () => {
  it('has the core schema and the enterprise extension by default', () => {
    const plain = UserSchema.withCustomAttributes();
    expect(plain.core.id).toBe(CORE);
    expect(plain.all.map((s) => s.id)).toEqual([CORE, ENTERPRISE]);
    expect(plain.extensions.map((s) => s.id)).toEqual([ENTERPRISE]);
  });

  it('groups custom attributes per extension, case-insensitively, without duplicates', () => {
    const custom = UserSchema.withCustomAttributes([
      `${CUSTOM}:JobCode`,
      `${CUSTOM.toLowerCase()}:CostCode`,
      `${CUSTOM}:JOBCODE`,
      'urn:contoso:scim:HR:1.0:User:Badge',
    ]);
    expect(custom.extensions.map((s) => [s.id, s.name, s.attributes.map((a) => a.name)])).toEqual([
      [ENTERPRISE, 'EnterpriseUser', ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager']],
      [CUSTOM, 'CustomExtensionName', ['JobCode', 'CostCode']],
      ['urn:contoso:scim:HR:1.0:User', 'HR', ['Badge']],
    ]);
  });

  // Entra lets non-gallery apps add custom extension attributes as single-valued strings.
  it('defines custom attributes as single-valued, readWrite, case-insensitive strings', () => {
    expect(schema.extension(CUSTOM)?.attributes[0]).toMatchObject({
      name: 'JobCode',
      type: 'string',
      multiValued: false,
      mutability: 'readWrite',
      caseExact: false,
      returned: 'default',
    });
  });

  it('refuses a malformed name', () => {
    expect(() => UserSchema.withCustomAttributes(['JobCode'])).toThrow('is not a custom attribute name');
  });
});

describe('UserSchema.extension', () => {
  it.each([
    [ENTERPRISE, ENTERPRISE],
    [ENTERPRISE.toUpperCase(), ENTERPRISE],
    [CUSTOM.toLowerCase(), CUSTOM],
    [CORE, undefined],
    ['urn:ietf:params:scim:schemas:extension:Other:2.0:User', undefined],
    [`${ENTERPRISE}:department`, undefined],
  ])('%s → %s', (urn, id) => {
    expect(schema.extension(urn)?.id).toBe(id);
  });
});

describe('UserSchema.resolve (RFC 7643 §2.1: names are case-insensitive)', () => {
  it.each<[string | undefined, string, ReturnType<typeof located>]>([
    [undefined, 'USERNAME', { schemaId: CORE, name: 'userName' }],
    [undefined, 'phonenumbers', { schemaId: CORE, name: 'phoneNumbers' }],
    // Entra sends `manager` unqualified in PATCH (entra-id.md §2.7): core first, then the extensions.
    [undefined, 'manager', { schemaId: ENTERPRISE, name: 'manager' }],
    [undefined, 'jobcode', { schemaId: CUSTOM, name: 'JobCode' }],
    [CORE, 'userName', { schemaId: CORE, name: 'userName' }],
    [ENTERPRISE.toUpperCase(), 'DEPARTMENT', { schemaId: ENTERPRISE, name: 'department' }],
    [CUSTOM, 'JobCode', { schemaId: CUSTOM, name: 'JobCode' }],
    [CORE, 'manager', undefined],
    [ENTERPRISE, 'userName', undefined],
    [undefined, 'nope', undefined],
    ['urn:ietf:params:scim:schemas:extension:Other:2.0:User', 'JobCode', undefined],
  ])('%s / %s', (urn, name, expected) => {
    expect(located(urn, name)).toEqual(expected);
  });

  it('prefers the core schema when an extension reuses a core name', () => {
    const shadowing = UserSchema.withCustomAttributes([`${CUSTOM}:title`]);
    expect(shadowing.resolve(undefined, 'Title')?.schemaId).toBe(CORE);
    expect(shadowing.resolve(CUSTOM, 'Title')?.schemaId).toBe(CUSTOM);
  });
});

describe('UserSchema.splitUrn', () => {
  it.each<[string, ReturnType<UserSchema['splitUrn']>]>([
    [`${CORE}:userName`, { schemaId: CORE, rest: 'userName' }],
    [`${CORE}:name.givenName`, { schemaId: CORE, rest: 'name.givenName' }],
    [`${ENTERPRISE}:manager.value`, { schemaId: ENTERPRISE, rest: 'manager.value' }],
    [`${ENTERPRISE.toLowerCase()}:Department`, { schemaId: ENTERPRISE, rest: 'Department' }],
    [`${CUSTOM}:JobCode`, { schemaId: CUSTOM, rest: 'JobCode' }],
    [ENTERPRISE, undefined],
    ['urn:ietf:params:scim:schemas:extension:Other:2.0:User:JobCode', undefined],
    ['userName', undefined],
  ])('%s', (fullName, expected) => {
    expect(schema.splitUrn(fullName)).toEqual(expected);
  });
});
