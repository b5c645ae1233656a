import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { renderUser } from '../resource/render-user';
import { attribute, complex } from './attribute-definition';
import { attributeSchema, userJsonSchema } from './json-schema';
import { UserSchema } from './user-schema';

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);

describe('userJsonSchema', () => {
  const schema = UserSchema.withCustomAttributes(['JobCode', 'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge']);
  const validate = ajv.compile(userJsonSchema(schema));

  it('accepts a rendered user with core, enterprise and custom attributes', () => {
    const user = renderUser(
      schema,
      {
        id: 'u1',
        attributes: {
          userName: 'ada@example.com',
          active: true,
          emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
          name: { givenName: 'Ada' },
          JobCode: 'X1',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D', manager: { value: 'u0' } },
          'urn:ietf:params:scim:schemas:extension:acme:2.0:User': { badge: 'b-7' },
        },
        version: 3,
        createdAt: new Date(0),
        lastModifiedAt: new Date(1000),
      },
      'https://scim.example/Users/u1',
    );
    expect({ valid: validate(user), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  });

  it('refuses values of the wrong type and a user without userName', () => {
    expect(validate({ schemas: ['x'], userName: 'a', active: 'yes' })).toBe(false);
    expect(validate({ schemas: ['x'], userName: 'a', emails: { value: 'a@b' } })).toBe(false);
    expect(validate({ schemas: ['x'], 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 7 } })).toBe(false);
  });

  it('maps mutability and every data type', () => {
    expect(attributeSchema(attribute('id', 'string', { mutability: 'readOnly' }))).toMatchObject({ type: 'string', readOnly: true });
    expect(attributeSchema(attribute('password', 'string', { mutability: 'writeOnly' }))).toMatchObject({ writeOnly: true });
    expect(attributeSchema(attribute('n', 'decimal'))).toEqual({ type: 'number' });
    expect(attributeSchema(attribute('when', 'dateTime'))).toEqual({ type: 'string', format: 'date-time' });
    expect(attributeSchema(attribute('kind', 'string', { canonicalValues: ['a'] }))).toEqual({ type: 'string', examples: ['a'] });
    expect(attributeSchema(complex('c', [attribute('v', 'integer')], { multiValued: true }))).toEqual({
      type: 'array',
      items: { type: 'object', properties: { v: { type: 'integer' } } },
    });
  });
});
