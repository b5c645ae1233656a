import { CUSTOM, ENTERPRISE } from '@app/testing/entra-payloads';
import fullUser from '../../test/fixtures/rfc7643-8.2-full-user.json';
import { CORE_USER_SCHEMA_ID as CORE } from '../schema/core-user.schema';
import { UserSchema } from '../schema/user-schema';
import { normalizeResource } from './normalize-resource';
import { StoredUser, renderUser, userEtag } from './render-user';

const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);
const location = 'https://scim.example.com/scim/v2/Users/u-1';
const stored = (attributes: StoredUser['attributes'], version = 1): StoredUser => ({
  id: 'u-1',
  attributes,
  version,
  createdAt: new Date('2024-03-01T10:00:00.000Z'),
  lastModifiedAt: new Date('2024-03-02T11:30:00.000Z'),
});

describe('renderUser', () => {
  it('orders schemas, id, externalId, userName, the other core attributes, extensions, meta', () => {
    const user = stored({
      [CUSTOM]: { JobCode: 'AE-1' },
      displayName: 'Ada',
      [ENTERPRISE]: { department: 'Engines' },
      userName: 'ada',
      active: true,
      externalId: 'ada-1',
    });
    expect(Object.keys(renderUser(schema, user, location))).toEqual([
      'schemas',
      'id',
      'externalId',
      'userName',
      'displayName',
      'active',
      CUSTOM,
      ENTERPRISE,
      'meta',
    ]);
  });

  it.each<[string, StoredUser['attributes'], string[]]>([
    ['only the core schema for a core-only user', { userName: 'a' }, [CORE]],
    ['the enterprise extension when it has values', { userName: 'a', [ENTERPRISE]: { department: 'D' } }, [CORE, ENTERPRISE]],
    ['each extension present', { userName: 'a', [ENTERPRISE]: { department: 'D' }, [CUSTOM]: { JobCode: 'J' } }, [CORE, ENTERPRISE, CUSTOM]],
  ])('lists in `schemas` %s', (_case, attributes, schemas) => {
    expect(renderUser(schema, stored(attributes), location).schemas).toEqual(schemas);
  });

  it('leaves externalId out when there is none', () => {
    expect(renderUser(schema, stored({ userName: 'a' }), location)).not.toHaveProperty('externalId');
  });

  // RFC 7644 §3.14: the ETag is weak and equals meta.version.
  it('derives meta, with the stream revision as the weak version', () => {
    expect(renderUser(schema, stored({ userName: 'a' }, 7), location).meta).toEqual({
      resourceType: 'User',
      created: '2024-03-01T10:00:00.000Z',
      lastModified: '2024-03-02T11:30:00.000Z',
      version: 'W/"7"',
      location,
    });
    expect(userEtag(7)).toBe('W/"7"');
  });

  it('renders the RFC 7643 §8.2 full user back as it was sent, but id, meta, password and groups', () => {
    const { attributes } = normalizeResource(schema, fullUser);
    const { meta, ...rendered } = renderUser(schema, { ...stored(attributes), id: fullUser.id }, location);
    const { meta: _meta, password: _password, groups: _groups, ...sent } = fullUser;
    expect(rendered).toEqual(sent);
    expect(Object.keys(rendered)).toEqual(Object.keys(sent));
    expect(meta).toMatchObject({ resourceType: 'User', version: 'W/"1"', location });
  });
});
