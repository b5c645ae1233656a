import { CUSTOM, ENTERPRISE } from '@app/testing/entra-payloads';
import fullUser from '../../test/fixtures/rfc7643-8.2-full-user.json';
import { ScimError } from '../errors/scim-error';
import { CORE_USER_SCHEMA_ID as CORE } from '../schema/core-user.schema';
import { UserSchema } from '../schema/user-schema';
import { normalizeResource } from './normalize-resource';
import { renderUser } from './render-user';
import { parseAttributeList, selectAttributes } from './select-attributes';

const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);
const manager = { value: '26118915-6090-4610-87e4-49d8ca9f808d' };
const { attributes } = normalizeResource(schema, {
  ...fullUser,
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager },
  [CUSTOM]: { JobCode: 'TG-1' },
});
const user = renderUser(
  schema,
  { id: fullUser.id, attributes, version: 3, createdAt: new Date('2010-01-23T04:56:22Z'), lastModifiedAt: new Date('2011-05-13T04:42:34Z') },
  fullUser.meta.location,
);
/** GET /Users/{id}?attributes=…&excludedAttributes=… (RFC 7644 §3.4.2.5). */
const select = (query: { attributes?: string; excludedAttributes?: string }) =>
  selectAttributes(user, parseAttributeList(schema, query.attributes), parseAttributeList(schema, query.excludedAttributes));
const core = (rest: Record<string, unknown>) => ({ schemas: [CORE], id: fullUser.id, ...rest });
const without = (...keys: string[]) => Object.fromEntries(Object.entries(user).filter(([key]) => !keys.includes(key)));

describe('attributes (only these, plus the always-returned)', () => {
  it.each<[string, Record<string, unknown>]>([
    ['userName', core({ userName: 'bjensen@example.com' })],
    ['USERNAME', core({ userName: 'bjensen@example.com' })],
    [`${CORE}:userName`, core({ userName: 'bjensen@example.com' })],
    ['name.givenName', core({ name: { givenName: 'Barbara' } })],
    ['NAME.GIVENNAME,name.familyName', core({ name: { givenName: 'Barbara', familyName: 'Jensen' } })],
    ['emails.value', core({ emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }] })],
    ['emails.value,emails.type', core({ emails: [{ value: 'bjensen@example.com', type: 'work' }, { value: 'babs@jensen.org', type: 'home' }] })],
    ['displayName,active', core({ displayName: 'Babs Jensen', active: true })],
    ['meta.version', core({ meta: { version: 'W/"3"' } })],
    ['id', core({})],
  ])('%s', (list, expected) => {
    expect(select({ attributes: list })).toEqual(expected);
  });

  it('selects an extension attribute by its full URN name, and lists the extension in `schemas`', () => {
    expect(select({ attributes: `${ENTERPRISE}:department` })).toEqual({
      schemas: [CORE, ENTERPRISE],
      id: fullUser.id,
      [ENTERPRISE]: { department: 'Tour Operations' },
    });
  });

  it('selects a sub-attribute of an extension attribute', () => {
    expect(select({ attributes: `${ENTERPRISE}:manager.value` })).toEqual({
      schemas: [CORE, ENTERPRISE],
      id: fullUser.id,
      [ENTERPRISE]: { manager },
    });
  });

  it('selects a whole extension by its URN', () => {
    expect(select({ attributes: `userName,${CUSTOM.toLowerCase()}` })).toEqual({
      schemas: [CORE, CUSTOM],
      id: fullUser.id,
      userName: 'bjensen@example.com',
      [CUSTOM]: { JobCode: 'TG-1' },
    });
  });

  // RFC 7644 §3.9: names the schema does not define select nothing.
  it.each(['shoeSize', 'urn:ietf:params:scim:schemas:extension:Other:2.0:User:JobCode', 'urn:ietf:params:scim:schemas:extension:Other:2.0:User'])(
    'ignores the unknown name %s',
    (list) => {
      expect(select({ attributes: list })).toEqual(core({}));
    },
  );

  it('wins over excludedAttributes', () => {
    expect(select({ attributes: 'userName', excludedAttributes: 'userName' })).toEqual(core({ userName: 'bjensen@example.com' }));
  });

  // RFC 7643 §2.5: an unassigned value is not returned, not even as `emails: [{}, {}]` or `name: {}`.
  it.each(['emails.display', 'name.shoeSize'])('leaves out %s, which the user has no value for', (list) => {
    expect(select({ attributes: list })).toEqual(core({}));
  });

  it('ignores a sub-attribute of an unknown extension', () => {
    expect(select({ attributes: 'urn:ietf:params:scim:schemas:extension:Other:2.0:User:manager.value' })).toEqual(core({}));
  });
});

describe('excludedAttributes (all but these)', () => {
  it.each<[string, Record<string, unknown>]>([
    ['userName', without('userName')],
    ['meta,x509Certificates', without('meta', 'x509Certificates')],
    // RFC 7643 §7: `returned: always` attributes are returned even when excluded.
    ['id', user],
    ['ID,schemas', user],
    ['shoeSize', user],
  ])('%s', (list, expected) => {
    expect(select({ excludedAttributes: list })).toEqual(expected);
  });

  it('removes a sub-attribute from every value', () => {
    expect(select({ excludedAttributes: 'emails.value' }).emails).toEqual([{ type: 'work', primary: true }, { type: 'home' }]);
  });

  it('removes a whole extension, and its URN from `schemas`', () => {
    const result = select({ excludedAttributes: ENTERPRISE });
    expect(result).not.toHaveProperty([ENTERPRISE]);
    expect(result.schemas).toEqual([CORE, CUSTOM]);
  });

  it('removes an extension attribute and keeps the others', () => {
    expect(select({ excludedAttributes: `${ENTERPRISE}:manager` })[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });
  });

  it('leaves the rendered resource untouched', () => {
    const before = structuredClone(user);
    select({ excludedAttributes: `emails.value,${ENTERPRISE}:manager,meta` });
    expect(user).toEqual(before);
  });

  it('drops an extension, and its URN from schemas, when its last attribute is excluded', () => {
    const result = select({ excludedAttributes: `${CUSTOM}:JobCode` });
    expect(result).not.toHaveProperty([CUSTOM]);
    expect(result.schemas).toEqual([CORE, ENTERPRISE]);
  });
});

describe('parseAttributeList', () => {
  it.each([undefined, '', '   '])('reads %j as no selection', (list) => {
    expect(parseAttributeList(schema, list)).toBeUndefined();
    expect(selectAttributes(user, undefined, undefined)).toBe(user);
  });

  it.each(['name.givenName.first', 'userName,,displayName'])('refuses the malformed name in %s with 400 invalidValue', (list) => {
    expect(() => parseAttributeList(schema, list)).toThrow(ScimError);
    expect(() => parseAttributeList(schema, list)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
  });
});

describe('sub-attributes that do not exist', () => {
  it.each(['userName.x', 'id.x', 'externalId.value', 'active.x', 'schemas.x', `${ENTERPRISE}:department.x`])(
    'refuses %s, a sub-attribute of a simple attribute, with 400 invalidValue',
    (name) => {
      for (const query of [{ attributes: name }, { excludedAttributes: name }]) {
        expect(() => select(query)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
      }
    },
  );

  it.each(['name.constructor', 'name.toString', 'emails.__proto__', 'emails.hasOwnProperty', 'meta.constructor', 'name.nope'])(
    'selects nothing for %s, an unknown sub-attribute, and excludes nothing',
    (name) => {
      expect(select({ attributes: name })).toEqual(core({}));
      expect(select({ excludedAttributes: name })).toEqual(user);
    },
  );
});

describe('plain-named custom attributes: rendered at the top level, selected by their bare name', () => {
  const plain = UserSchema.withCustomAttributes(['JobCode', `${CUSTOM}:JobCode`]);
  const rendered = renderUser(
    plain,
    { id: 'u1', attributes: { userName: 'a', JobCode: 'plain', [CUSTOM]: { JobCode: 'full' } }, version: 1, createdAt: new Date(0), lastModifiedAt: new Date(0) },
    'https://x/Users/u1',
  );
  const pick = (attributes?: string, excluded?: string) =>
    selectAttributes(rendered, parseAttributeList(plain, attributes), parseAttributeList(plain, excluded));

  it('renders the plain one at the top level and lists only the extension that has values', () => {
    expect(rendered).toMatchObject({ schemas: [CORE, CUSTOM], userName: 'a', JobCode: 'plain', [CUSTOM]: { JobCode: 'full' } });
  });

  it.each<[string | undefined, string | undefined, Record<string, unknown>]>([
    ['jobcode', undefined, { schemas: [CORE], id: 'u1', JobCode: 'plain' }],
    [`${CUSTOM}:JobCode`, undefined, { schemas: [CORE, CUSTOM], id: 'u1', [CUSTOM]: { JobCode: 'full' } }],
    ['JobCode,userName', undefined, { schemas: [CORE], id: 'u1', JobCode: 'plain', userName: 'a' }],
    ['CompanyID', undefined, { schemas: [CORE], id: 'u1' }],
  ])('attributes=%s', (attributes, excluded, expected) => {
    expect(pick(attributes, excluded)).toEqual(expected);
  });

  it('excludedAttributes=JobCode leaves the extension\'s JobCode', () => {
    const { meta: _meta, ...rest } = pick(undefined, 'JobCode');
    expect(rest).toEqual({ schemas: [CORE, CUSTOM], id: 'u1', userName: 'a', [CUSTOM]: { JobCode: 'full' } });
  });
});
