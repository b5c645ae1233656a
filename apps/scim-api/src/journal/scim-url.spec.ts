import fc from 'fast-check';
import { isScimUrl, providerIdOfUrl, userIdOfLocation, userIdOfUrl } from './scim-url';

describe('SCIM URLs as the journal reads them', () => {
  it.each([
    ['/scim/v2/enterprise-idps/contoso/Users/abc?x=1', 'contoso', 'abc'],
    ['/SCIM/V2/Enterprise-IdPs/contoso/users/ABC', 'contoso', 'ABC'],
    ['/scim/v2/enterprise-idps/con%2Ftoso/Users/.search', 'con/toso', undefined],
    ['/scim/v2/enterprise-idps/%E0%A4%A/Users', '%E0%A4%A', undefined],
    [`/scim/v2/enterprise-idps/${'a'.repeat(1000)}/Users`, 'a'.repeat(128), undefined],
    ['/scim/v2/enterprise-idps/a%00b/Users/%00', 'a\ufffdb', '\ufffd'],
    ['/scim/v2/nowhere', null, undefined],
  ])('%s names IdP %s and user %s', (url, providerId, userId) => {
    expect(isScimUrl(url)).toBe(true);
    expect(providerIdOfUrl(url)).toBe(providerId);
    expect(userIdOfUrl(url)).toBe(userId);
  });

  it('tells SCIM from the rest, and reads the id a Location names', () => {
    expect(['/admin/v1/journal', '/health/live', '/scim'].map(isScimUrl)).toEqual([false, false, false]);
    expect(userIdOfLocation('https://scim.example.com/prefix/scim/v2/enterprise-idps/c/Users/u-1')).toBe('u-1');
  });

  it('never throws on any URL', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (tail) => {
        const url = `/scim/v2/enterprise-idps/${tail}`;
        expect(() => [providerIdOfUrl(url), userIdOfUrl(url), userIdOfLocation(url)]).not.toThrow();
      }),
    );
  });
});
