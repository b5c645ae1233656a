import { requiredScope } from './required-scope';

const base = '/scim/v2/enterprise-idps/:providerId';

describe('requiredScope', () => {
  it.each([
    ['GET', 'Users', 'users:read'],
    ['GET', 'Users/:userId', 'users:read'],
    ['POST', 'Users/.search', 'users:read'],
    ['POST', '.search', 'users:read'],
    ['POST', 'Users', 'users:write'],
    ['PUT', 'Users/:userId', 'users:write'],
    ['PATCH', 'Users/:userId', 'users:write'],
    ['DELETE', 'Users/:userId', 'users:delete'],
    // Methods a user endpoint answers 405 to still need the scope of their kind: the 405 is for a caller that could do it.
    ['POST', 'Users/:userId', 'users:write'],
    ['DELETE', 'Users', 'users:delete'],
  ])('%s %s needs %s', (method, route, scope) => {
    expect(requiredScope(method, `${base}/${route}`)).toBe(scope);
  });

  it.each([
    ['GET', 'ServiceProviderConfig'],
    ['GET', 'Schemas'],
    ['GET', 'Schemas/:id'],
    ['GET', 'ResourceTypes'],
    ['GET', 'ResourceTypes/:id'],
    ['POST', 'Schemas'],
    ['GET', 'Groups'],
    ['POST', 'Groups/*'],
  ])('%s %s needs only a valid token', (method, route) => {
    expect(requiredScope(method, `${base}/${route}`)).toBeUndefined();
  });

  it('needs nothing outside the SCIM routes', () => {
    expect(requiredScope('GET', '/health/live')).toBeUndefined();
    expect(requiredScope('GET', '/Users')).toBeUndefined();
  });
});
