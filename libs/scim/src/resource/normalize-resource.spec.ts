import { CUSTOM, ENTERPRISE, entraCreateUser } from '@app/testing/entra-payloads';
import fullUser from '../../test/fixtures/rfc7643-8.2-full-user.json';
import { ScimError } from '../errors/scim-error';
import { CORE_USER_SCHEMA_ID as CORE } from '../schema/core-user.schema';
import { UserSchema } from '../schema/user-schema';
import { normalizeResource } from './normalize-resource';

const OTHER = 'urn:ietf:params:scim:schemas:extension:Other:2.0:User';
const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);
const withoutCustom = UserSchema.withCustomAttributes();

describe('normalizeResource', () => {
  it('gives attributes and sub-attributes their canonical names, whatever the case', () => {
    expect(
      normalizeResource(schema, {
        USERNAME: 'ada@contoso.com',
        displayname: 'Ada',
        Emails: [{ VALUE: 'ada@contoso.com', Type: 'work', PRIMARY: 'True' }],
        [ENTERPRISE.toUpperCase()]: { EMPLOYEENUMBER: '0815' },
      }),
    ).toEqual({
      attributes: {
        userName: 'ada@contoso.com',
        displayName: 'Ada',
        emails: [{ value: 'ada@contoso.com', type: 'work', primary: true }],
        [ENTERPRISE]: { employeeNumber: '0815' },
      },
      dropped: [],
    });
  });

  describe("Entra's POST (entra-id.md §2.2)", () => {
    const { meta: _meta, schemas: _schemas, roles: _roles, ...sent } = entraCreateUser('ada@contoso.com', 'ada');

    // Entra lists only the core and enterprise URNs in `schemas`, even when it sends the custom extension object.
    it('keeps a registered custom extension object that `schemas` does not list', () => {
      expect(normalizeResource(schema, entraCreateUser('ada@contoso.com', 'ada'))).toEqual({ attributes: sent, dropped: [] });
    });

    it('drops and reports the custom extension object when the IdP has not registered it', () => {
      const { [CUSTOM]: _custom, ...kept } = sent;
      expect(normalizeResource(withoutCustom, entraCreateUser('ada@contoso.com', 'ada'))).toEqual({ attributes: kept, dropped: [CUSTOM] });
    });

    it('reads "True"/"False" strings as booleans', () => {
      expect(normalizeResource(schema, { userName: 'a', active: 'False' }).attributes).toEqual({ userName: 'a', active: false });
    });

    it('reads manager sent as a bare id inside the enterprise object', () => {
      expect(normalizeResource(schema, { userName: 'a', [ENTERPRISE]: { manager: '271' } }).attributes).toEqual({
        userName: 'a',
        [ENTERPRISE]: { manager: { value: '271' } },
      });
    });
  });

  it('reads attributes given by their full URN name at the top level', () => {
    expect(
      normalizeResource(schema, {
        [`${CORE}:userName`]: 'ada',
        [`${ENTERPRISE}:manager`]: '271',
        [ENTERPRISE]: { department: 'Engines' },
        [`${CUSTOM.toLowerCase()}:jobcode`]: 'AE-1',
      }),
    ).toEqual({
      attributes: { userName: 'ada', [ENTERPRISE]: { manager: { value: '271' }, department: 'Engines' }, [CUSTOM]: { JobCode: 'AE-1' } },
      dropped: [],
    });
  });

  it.each([
    ['an unregistered extension attribute', `${OTHER}:CostCode`],
    ['a dotted full name', `${CORE}:name.givenName`],
    ['an unregistered extension object', OTHER],
  ])('drops and reports %s', (_case, key) => {
    expect(normalizeResource(schema, { userName: 'a', [key]: 'x' })).toEqual({ attributes: { userName: 'a' }, dropped: [key] });
  });

  // RFC 7643 §3.1: id, meta and schemas are the server's; a client's values are ignored.
  it('ignores id, meta and schemas in any case, without reporting them', () => {
    expect(normalizeResource(schema, { userName: 'a', ID: 'x', Meta: { version: 'W/"9"' }, schemas: [OTHER] })).toEqual({
      attributes: { userName: 'a' },
      dropped: [],
    });
  });

  it('drops and reports password, which is never stored', () => {
    expect(normalizeResource(schema, { userName: 'a', password: 't1meMa$heen' })).toEqual({ attributes: { userName: 'a' }, dropped: ['password'] });
  });

  it('drops and reports unknown names, and unknown sub-attributes by full path', () => {
    expect(normalizeResource(schema, { userName: 'a', shoeSize: 42, name: { givenName: 'A', nickname: 'x' }, [ENTERPRISE]: { badge: '1' } })).toEqual({
      attributes: { userName: 'a', name: { givenName: 'A' } },
      dropped: ['shoeSize', 'name.nickname', `${ENTERPRISE}:badge`],
    });
  });

  // RFC 7643 §4.1.2: groups is readOnly, managed through the Group resource.
  it('ignores readOnly attributes such as groups without reporting them', () => {
    expect(normalizeResource(schema, { userName: 'a', groups: [{ value: 'g1' }] })).toEqual({ attributes: { userName: 'a' }, dropped: [] });
  });

  // RFC 7643 §2.5: null and [] are "unassigned".
  it('treats nulls, empty arrays and empty objects as absent', () => {
    expect(
      normalizeResource(schema, {
        userName: 'a',
        nickName: null,
        roles: [],
        emails: [{}, null],
        name: {},
        [ENTERPRISE]: null,
        [CUSTOM]: { JobCode: null },
      }),
    ).toEqual({ attributes: { userName: 'a' }, dropped: [] });
  });

  it.each([null, [], 'userName=ada', 42])('refuses a body that is not an object: %j', (body) => {
    expect(() => normalizeResource(schema, body)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidSyntax' }));
  });

  it('refuses an extension that is not an object', () => {
    expect(() => normalizeResource(schema, { userName: 'a', [ENTERPRISE]: 'Engines' })).toThrow(ScimError);
    expect(() => normalizeResource(schema, { userName: 'a', [ENTERPRISE]: 'Engines' })).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
  });

  it('normalises the RFC 7643 §8.2 full user to what was sent, but password and the readOnly groups', () => {
    const { id: _id, meta: _meta, schemas: _schemas, password: _password, groups: _groups, ...expected } = fullUser;
    expect(normalizeResource(schema, fullUser)).toEqual({ attributes: expected, dropped: ['password'] });
  });
});

describe('normalizeResource with plain-named custom attributes (the guide\'s customappsso list)', () => {
  const plain = UserSchema.withCustomAttributes(['JobCode', { name: 'CompanyID', type: 'integer' }, `${CUSTOM}:JobCode`]);

  it('keeps a registered plain name at the top level, under its registered spelling and type, beside the URN form', () => {
    expect(
      normalizeResource(plain, { userName: 'ada@contoso.com', jobcode: 'J-1', CompanyID: '42', [CUSTOM]: { JobCode: 'full' } }),
    ).toEqual({ attributes: { userName: 'ada@contoso.com', JobCode: 'J-1', CompanyID: 42, [CUSTOM]: { JobCode: 'full' } }, dropped: [] });
  });

  it('keeps a full-URN top-level key in its extension, never at the top level', () => {
    expect(normalizeResource(plain, { userName: 'a', [`${CUSTOM}:JobCode`]: 'full' }).attributes).toEqual({ userName: 'a', [CUSTOM]: { JobCode: 'full' } });
  });

  it('drops and reports an unregistered plain name, and a plain name sent only inside an extension', () => {
    expect(normalizeResource(plain, { userName: 'a', RegionName: 'EMEA', [CUSTOM]: { CompanyID: '1' } })).toEqual({
      attributes: { userName: 'a' },
      dropped: ['RegionName', `${CUSTOM}:CompanyID`],
    });
  });

  it('refuses a value that does not fit the registered type, naming the attribute', () => {
    expect(() => normalizeResource(plain, { userName: 'a', CompanyID: 'ACME' })).toThrow(
      expect.objectContaining({ status: 400, scimType: 'invalidValue', detail: expect.stringContaining('"CompanyID" must be an integer') }),
    );
  });
});
