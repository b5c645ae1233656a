import { CLAIM_IN_FLIGHT_MS, claimStillBinds, ClaimHolder } from './stale-claim';
import { UserState } from './user.state';

const present = (attributes: Record<string, unknown>): UserState => ({ status: 'present', providerId: 'p', userId: 'u1', attributes: { userName: 'x', ...attributes }, awaitingReprovision: false });
const holder = (state: UserState, wroteSinceClaim = false, claimAgeMs = 0): ClaimHolder => ({ state, wroteSinceClaim, claimAgeMs });
const ada = { kind: 'userName', value: 'ada@contoso.com' } as const;

describe('claimStillBinds', () => {
  it('binds while the holder is present with the value, however old the claim', () => {
    expect(claimStillBinds(ada, holder(present({ userName: 'Ada@Contoso.com' }), true, 10 * CLAIM_IN_FLIGHT_MS))).toBe(true);
  });

  it('compares externalId exactly: another case is another value', () => {
    expect(claimStillBinds({ kind: 'externalId', value: 'AbC' }, holder(present({ externalId: 'abc' }), true))).toBe(false);
    expect(claimStillBinds({ kind: 'externalId', value: 'AbC' }, holder(present({ externalId: 'AbC' }), true))).toBe(true);
  });

  it('is stale once the holder is deleted, even at once', () => {
    expect(claimStillBinds(ada, holder({ status: 'deleted' }, false, 0))).toBe(false);
  });

  it('is stale when the holder wrote since without taking the value (a rename went elsewhere)', () => {
    expect(claimStillBinds(ada, holder(present({ userName: 'grace@contoso.com' }), true, 10))).toBe(false);
  });

  it('binds a holder that has not written yet while its write may be in flight', () => {
    expect(claimStillBinds(ada, holder({ status: 'absent' }, false, CLAIM_IN_FLIGHT_MS - 1))).toBe(true);
    expect(claimStillBinds(ada, holder(present({ userName: 'old@contoso.com' }), false, 5))).toBe(true);
  });

  it('is stale when the holder never wrote within the in-flight time (a crash between claim and write)', () => {
    expect(claimStillBinds(ada, holder({ status: 'absent' }, false, CLAIM_IN_FLIGHT_MS))).toBe(false);
  });
});
