import { AttributeDefinition, SchemaDefinition, attribute, complex } from './attribute-definition';

export const CORE_USER_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** value/display/type/primary, the sub-attributes shared by most multi-valued attributes (RFC 7643 §2.4). */
function multiValued(
  name: string,
  valueType: 'string' | 'reference' | 'binary',
  types: readonly string[],
  options: { valueCaseExact?: boolean; referenceTypes?: readonly string[]; mutability?: 'readOnly' } = {},
): AttributeDefinition {
  const readOnly = options.mutability === 'readOnly';
  const sub = (o: object) => ({ ...(readOnly ? { mutability: 'readOnly' as const } : {}), ...o });
  return complex(
    name,
    [
      attribute('value', valueType, sub({ caseExact: options.valueCaseExact ?? false, referenceTypes: options.referenceTypes })),
      attribute('display', 'string', sub({})),
      attribute('type', 'string', sub({ canonicalValues: types })),
      attribute('primary', 'boolean', sub({})),
    ],
    { multiValued: true, ...(readOnly ? { mutability: 'readOnly' } : {}) },
  );
}

const address = complex(
  'addresses',
  [
    attribute('formatted', 'string'),
    attribute('streetAddress', 'string'),
    attribute('locality', 'string'),
    attribute('region', 'string'),
    attribute('postalCode', 'string'),
    attribute('country', 'string'),
    attribute('type', 'string', { canonicalValues: ['work', 'home', 'other'] }),
    attribute('primary', 'boolean'),
  ],
  { multiValued: true },
);

/** RFC 7643 §4.1 and its §8.7.1 representation. */
export const CORE_USER_SCHEMA: SchemaDefinition = {
  id: CORE_USER_SCHEMA_ID,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute('id', 'string', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
    attribute('externalId', 'string', { caseExact: true }),
    attribute('userName', 'string', { required: true, uniqueness: 'server' }),
    complex('name', [
      attribute('formatted', 'string'),
      attribute('familyName', 'string'),
      attribute('givenName', 'string'),
      attribute('middleName', 'string'),
      attribute('honorificPrefix', 'string'),
      attribute('honorificSuffix', 'string'),
    ]),
    attribute('displayName', 'string'),
    attribute('nickName', 'string'),
    attribute('profileUrl', 'reference', { referenceTypes: ['external'] }),
    attribute('title', 'string'),
    attribute('userType', 'string'),
    attribute('preferredLanguage', 'string'),
    attribute('locale', 'string'),
    attribute('timezone', 'string'),
    attribute('active', 'boolean'),
    attribute('password', 'string', { mutability: 'writeOnly', returned: 'never' }),
    multiValued('emails', 'string', ['work', 'home', 'other']),
    multiValued('phoneNumbers', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValued('ims', 'string', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multiValued('photos', 'reference', ['photo', 'thumbnail'], { valueCaseExact: true, referenceTypes: ['external'] }),
    address,
    complex(
      'groups',
      [
        attribute('value', 'string', { mutability: 'readOnly' }),
        attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['User', 'Group'] }),
        attribute('display', 'string', { mutability: 'readOnly' }),
        attribute('type', 'string', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    multiValued('entitlements', 'string', []),
    multiValued('roles', 'string', []),
    multiValued('x509Certificates', 'binary', []),
  ],
};
