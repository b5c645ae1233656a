import fc from 'fast-check';
import { CORE_USER_SCHEMA, CORE_USER_SCHEMA_ID } from './core-user.schema';
import { ENTERPRISE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA_ID } from './enterprise-user.schema';
import { UserSchema, isPlainAttributeName, parseCustomAttributeName } from './user-schema';

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
    ['an empty string', ''],
    ['a plain name with a space', 'Job Code'],
    ['a plain name with a dot', 'Job.Code'],
    ['a plain name starting with a digit', '2JobCode'],
    ['a plain name starting with _', '_JobCode'],
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

describe("parseCustomAttributeName with a plain name (the customer guide's customappsso list)", () => {
  it.each(['JobCode', 'CompanyID', 'RegionName', ' DepartmentID ', 'cost_center-2', 'a$b', 'X'])('accepts %j, with no schema', (name) => {
    expect(parseCustomAttributeName(name)).toEqual({ schemaId: undefined, attributeName: name.trim() });
  });

  it.each([
    ...CORE_USER_SCHEMA.attributes.filter((a) => !['id', 'externalId'].includes(a.name)).map((a) => [a.name, `is the User attribute "${a.name}"`]),
    ['id', 'is reserved by SCIM'],
    ['externalId', 'is reserved by SCIM'],
    ...ENTERPRISE_USER_SCHEMA.attributes.map((a) => [a.name, `is the EnterpriseUser attribute "${a.name}"`]),
    ['TITLE', 'is the User attribute "title"'],
    ['username', 'is the User attribute "userName"'],
    ['Manager', 'is the EnterpriseUser attribute "manager"'],
    ['EMPLOYEENUMBER', 'is the EnterpriseUser attribute "employeeNumber"'],
    ['schemas', 'is reserved by SCIM'],
    ['Meta', 'is reserved by SCIM'],
  ])('refuses %s, a name the top level already has', (name, message) => {
    expect(() => parseCustomAttributeName(name)).toThrow(message);
  });

  const nameStart = fc.constantFrom(...'abcxyzJKQ');
  const nameRest = fc.string({ unit: fc.constantFrom(...'abcXYZ019_$-'), maxLength: 12 });
  const standard = new Set([...CORE_USER_SCHEMA.attributes, ...ENTERPRISE_USER_SCHEMA.attributes].map((a) => a.name.toLowerCase()));
  const plainName = fc
    .tuple(nameStart, nameRest)
    .map(([a, b]) => a + b)
    .filter((n) => !standard.has(n.toLowerCase()) && !['schemas', 'meta', 'id', 'externalid'].includes(n.toLowerCase()));

  it('round-trips every plain name and its full form with any extension URN', () => {
    fc.assert(
      fc.property(plainName, fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/).filter((e) => e.toLowerCase() !== 'enterprise'), (name, extension) => {
        expect(parseCustomAttributeName(name)).toEqual({ schemaId: undefined, attributeName: name });
        const schemaId = `urn:ietf:params:scim:schemas:extension:${extension}:2.0:User`;
        expect(parseCustomAttributeName(`${schemaId}:${name}`)).toEqual({ schemaId, attributeName: name });
        expect(isPlainAttributeName(name)).toBe(true);
      }),
    );
  });

  it('refuses, with an Error and never anything else, every name outside both forms', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (name) => {
        let parsed;
        try {
          parsed = parseCustomAttributeName(name);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          return;
        }
        const rebuilt = parsed.schemaId === undefined ? parsed.attributeName : `${parsed.schemaId}:${parsed.attributeName}`;
        expect(rebuilt).toBe(name.trim());
        expect(isPlainAttributeName(parsed.attributeName)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every standard name in any case', () => {
    fc.assert(
      fc.property(fc.constantFrom(...standard), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), (name, upper) => {
        const cased = [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
        expect(() => parseCustomAttributeName(cased)).toThrow('a custom attribute needs a name of its own');
      }),
    );
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

  it('puts plain names in the core User schema (they are top-level attributes) and full names in their extension, each with its type', () => {
    const typed = UserSchema.withCustomAttributes([
      'JobCode',
      { name: 'Badge', type: 'integer' },
      { name: 'jobcode', type: 'boolean' },
      { name: `${CUSTOM}:JobCode`, type: 'dateTime' },
      { name: `${CUSTOM}:Rate`, type: 'decimal' },
    ]);
    expect(typed.core.id).toBe(CORE);
    expect(typed.core.attributes.slice(0, -2)).toEqual(CORE_USER_SCHEMA.attributes);
    expect(typed.core.attributes.slice(-2).map((a) => [a.name, a.type, a.multiValued, a.mutability])).toEqual([
      ['JobCode', 'string', false, 'readWrite'],
      ['Badge', 'integer', false, 'readWrite'],
    ]);
    expect(typed.core.attributes.at(-1)?.description).toContain('registered for this identity provider (integer), carried at the top level');
    expect(typed.extension(CUSTOM)?.attributes.map((a) => [a.name, a.type])).toEqual([
      ['JobCode', 'dateTime'],
      ['Rate', 'decimal'],
    ]);
    expect(typed.resolve(undefined, 'JOBCODE')).toMatchObject({ schemaId: CORE, definition: { name: 'JobCode' } });
    expect(typed.resolve(CUSTOM, 'JOBCODE')).toMatchObject({ schemaId: CUSTOM, definition: { type: 'dateTime' } });
    // The shared core schema itself is never changed by one IdP's registrations.
    expect(UserSchema.withCustomAttributes().core).toBe(CORE_USER_SCHEMA);
  });

  it.each(['title', 'department', 'schemas'])('refuses the plain name %s', (name) => {
    expect(() => UserSchema.withCustomAttributes([name])).toThrow(`"${name}"`);
  });

  it('refuses a malformed name', () => {
    expect(() => UserSchema.withCustomAttributes(['Job Code'])).toThrow('is not a custom attribute name');
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
