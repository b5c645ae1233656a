import { checkRotationOverlap, DEFAULT_ROTATION_OVERLAP, isoTimestamp, rotationOverlapEndsAt, tokenExpiresAt } from './token-lifetime';

const now = new Date('2026-12-02T06:00:00.000Z');
const invalid = expect.objectContaining({ code: 'DURATION_INVALID' });

describe('tokenExpiresAt', () => {
  it.each([
    ['90d', '2027-03-02T06:00:00.000Z'],
    ['1m', '2026-12-02T06:01:00.000Z'],
    ['3650d', '2036-11-29T06:00:00.000Z'],
  ])('counts %s from now', (expiresIn, expiresAt) => {
    expect(tokenExpiresAt(expiresIn, now)).toBe(expiresAt);
  });

  it.each(['59s', '0s', '3651d', 'soon'])('refuses %s', (expiresIn) => {
    expect(() => tokenExpiresAt(expiresIn, now)).toThrow(invalid);
  });
});

describe('rotationOverlapEndsAt', () => {
  it.each([
    [DEFAULT_ROTATION_OVERLAP, '2026-12-03T06:00:00.000Z'],
    ['0s', '2026-12-02T06:00:00.000Z'],
    ['30d', '2027-01-01T06:00:00.000Z'],
  ])('counts %s from now', (overlap, endsAt) => {
    expect(rotationOverlapEndsAt(overlap, now)).toBe(endsAt);
  });

  it.each(['31d', '721h', 'a day'])('refuses %s', (overlap) => {
    expect(() => rotationOverlapEndsAt(overlap, now)).toThrow(invalid);
  });
});

describe('checkRotationOverlap and isoTimestamp', () => {
  it('accepts an overlap from 0 to 30 days', () => {
    expect(() => checkRotationOverlap(now.toISOString(), '2027-01-01T06:00:00Z')).not.toThrow();
  });

  it.each(['2026-12-02T05:59:59Z', '2027-01-01T06:00:01Z', 'never'])('refuses an overlap ending %s', (endsAt) => {
    expect(() => checkRotationOverlap(now.toISOString(), endsAt)).toThrow(invalid);
  });

  it('normalises a timestamp to the ISO form the events record', () => {
    expect(isoTimestamp('2026-12-02T07:00:00+01:00', 'x')).toBe('2026-12-02T06:00:00.000Z');
  });
});
