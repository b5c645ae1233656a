import { StreamIds } from '@app/identity/shared/stream-ids';
import fc from 'fast-check';
import { belongsTo, exportScope } from './export-scope';

const USER = '7fa953f3-07c5-4182-b4b9-b539962a59d3';
const providerId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);

describe('exportScope', () => {
  it.each([
    [{}, { kind: 'all' }],
    [{ providerId: 'contoso-eu' }, { kind: 'identity-provider', providerId: 'contoso-eu' }],
    [{ providerId: 'contoso', userId: USER.toUpperCase() }, { kind: 'user', providerId: 'contoso', userId: USER }],
  ])('reads %j', (query, scope) => {
    expect(exportScope(query)).toEqual(scope);
  });

  it.each([
    [{ userId: USER }, /needs \?providerId=/],
    [{ providerId: 'contoso', userId: 'not-a-uuid' }, /a UUID/],
    [{ providerId: 'has space' }, /provider id/],
    [{ providerId: 'x'.repeat(129) }, /provider id/],
    [{ providerId: ['a', 'b'] }, /one value/],
    [{ providerId: '' }, /one value/],
    [{ since: '1' }, /Unknown query parameter "since"/],
  ])('refuses %j with a 400', (query, message) => {
    expect(() => exportScope(query)).toThrow(expect.objectContaining({ status: 400, error: 'INVALID_REQUEST', message: expect.stringMatching(message) }));
  });

  it('answers anything else with a scope or a 400, never another error', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('providerId', 'userId', 'x'), fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(USER))), (query) => {
        try {
          exportScope(query);
        } catch (error) {
          expect(error).toMatchObject({ status: 400 });
        }
      }),
    );
  });
});

describe('belongsTo', () => {
  it("takes the IdP's own stream and its users' streams, and no other IdP's, even one whose id it prefixes", () => {
    fc.assert(
      fc.property(providerId, providerId, fc.uuid(), (mine, other, userId) => {
        fc.pre(mine !== other);
        const belongs = belongsTo(mine);
        expect(belongs(StreamIds.identityProvider(mine))).toBe(true);
        expect(belongs(StreamIds.user(mine, userId))).toBe(true);
        expect(belongs(StreamIds.identityProvider(other))).toBe(false);
        expect(belongs(StreamIds.user(other, userId))).toBe(false);
      }),
    );
  });

  it('tells apart IdPs whose ids extend one another with a dash', () => {
    fc.assert(
      fc.property(providerId, providerId, fc.uuid(), (short, tail, userId) => {
        const long = `${short}-${tail}`;
        expect(belongsTo(short)(StreamIds.user(long, userId))).toBe(false);
        expect(belongsTo(long)(StreamIds.user(short, userId))).toBe(false);
        expect(belongsTo(short)(StreamIds.identityProvider(long))).toBe(false);
      }),
    );
  });

  it.each([
    ['contoso', `user-contoso-eu-${USER}`, false],
    ['contoso', 'idp-contoso-eu', false],
    ['contoso-eu', `user-contoso-eu-${USER}`, true],
    ['contoso', `user-contoso-${USER}`, true],
    ['contoso', `user-contoso-x${USER}`, false],
    ['contoso', 'administrators', false],
    ['contoso', `username-contoso-${'a'.repeat(40)}`, false],
  ])('for %s, %s: %s', (provider, streamId, expected) => {
    expect(belongsTo(provider)(streamId)).toBe(expected);
  });
});
