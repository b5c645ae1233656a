import { isReservationEvent, ReservationEvent, reservationHolder, uniqueValueChanges, uniqueValueOf } from './unique-value';

const reserved = (userId: string): ReservationEvent => ({ type: 'UniqueValueReserved', data: { providerId: 'p', kind: 'userName', userId } });
const released = (userId: string): ReservationEvent => ({ type: 'UniqueValueReleased', data: { providerId: 'p', kind: 'userName', userId } });

describe('reservationHolder', () => {
  it.each<[string, ReservationEvent[], string | undefined]>([
    ['nobody before any reservation', [], undefined],
    ['the reserving user', [reserved('u1')], 'u1'],
    ['nobody after the holder released it', [reserved('u1'), released('u1')], undefined],
    ['the next user after a release', [reserved('u1'), released('u1'), reserved('u2')], 'u2'],
    ['the latest reserving user', [reserved('u1'), reserved('u2')], 'u2'],
    ['the holder still, when someone else releases', [reserved('u1'), released('u2')], 'u1'],
    ['nobody after a stray release', [released('u1')], undefined],
  ])('is %s', (_case, events, holder) => {
    expect(reservationHolder(events)).toBe(holder);
  });
});

describe('uniqueValueOf', () => {
  it.each<[string, 'userName' | 'externalId', Record<string, unknown>, string | undefined]>([
    // RFC 7643 §4.1.1: userName is caseExact false, so its reservation compares lower case.
    ['userName lower-cased', 'userName', { userName: 'Ada.Lovelace@Contoso.com' }, 'ada.lovelace@contoso.com'],
    // RFC 7643 §3.1: externalId is caseExact, so it is compared as sent.
    ['externalId as is', 'externalId', { externalId: 'AbC-01' }, 'AbC-01'],
    ['absent', 'externalId', { userName: 'ada' }, undefined],
    ['empty', 'userName', { userName: '' }, undefined],
    ['not a string', 'externalId', { externalId: 42 }, undefined],
  ])('%s', (_case, kind, attributes, expected) => {
    expect(uniqueValueOf(kind, attributes)).toBe(expected);
  });
});

describe('uniqueValueChanges', () => {
  it('takes every value of a new user and gives back every value of a deleted one', () => {
    const attributes = { userName: 'Ada', externalId: 'e1' };
    expect(uniqueValueChanges(undefined, attributes)).toEqual({ take: [{ kind: 'userName', value: 'ada' }, { kind: 'externalId', value: 'e1' }], giveBack: [] });
    expect(uniqueValueChanges(attributes, undefined)).toEqual({ take: [], giveBack: [{ kind: 'userName', value: 'ada' }, { kind: 'externalId', value: 'e1' }] });
  });

  it('takes and gives back only what a rename changes; a change of case in userName is no change', () => {
    expect(uniqueValueChanges({ userName: 'Ada', externalId: 'e1' }, { userName: 'ADA', externalId: 'e2' })).toEqual({
      take: [{ kind: 'externalId', value: 'e2' }],
      giveBack: [{ kind: 'externalId', value: 'e1' }],
    });
  });

  it('gives back an externalId that is removed', () => {
    expect(uniqueValueChanges({ userName: 'a', externalId: 'e1' }, { userName: 'a' })).toEqual({ take: [], giveBack: [{ kind: 'externalId', value: 'e1' }] });
  });
});

describe('isReservationEvent', () => {
  it('accepts reservation events and nothing else', () => {
    expect(isReservationEvent(reserved('u1'))).toBe(true);
    expect(isReservationEvent(released('u1'))).toBe(true);
    expect(isReservationEvent({ type: 'UserProvisioned', data: {} })).toBe(false);
  });
});
