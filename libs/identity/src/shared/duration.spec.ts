import fc from 'fast-check';
import { DomainError } from './domain-error';
import { formatDuration, parseBoundedDuration, parseDuration } from './duration';

const expectInvalid = (run: () => unknown) => expect(run).toThrow(expect.objectContaining({ code: 'DURATION_INVALID' }));

describe('parseDuration', () => {
  it.each([
    ['90d', 90 * 86_400_000],
    ['24h', 86_400_000],
    ['30m', 1_800_000],
    ['45s', 45_000],
    ['0s', 0],
    [' 2h ', 7_200_000],
  ])('reads %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '90', 'd', '1.5h', '-1d', '+1d', '1w', '1y', '1ms', '1D', '1 d', '1d2h', '1234567890123s', 'ninety days'])('refuses %j', (text) => {
    expectInvalid(() => parseDuration(text));
  });

  it('reads back whatever formatDuration writes', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 9 }), (seconds) => parseDuration(formatDuration(seconds * 1000)) === seconds * 1000));
  });

  it('never throws anything but DURATION_INVALID, and never answers a negative or unsafe number', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          const ms = parseDuration(text);
          return Number.isSafeInteger(ms) && ms >= 0;
        } catch (error) {
          return error instanceof DomainError && error.code === 'DURATION_INVALID';
        }
      }),
    );
  });

  it('reads every number of every unit', () => {
    const units = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
    fc.assert(fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), fc.constantFrom(...(Object.keys(units) as (keyof typeof units)[])), (n, unit) => parseDuration(`${n}${unit}`) === n * units[unit]));
  });
});

describe('formatDuration', () => {
  it.each([
    [86_400_000, '1d'],
    [90 * 86_400_000, '90d'],
    [5_400_000, '90m'],
    [7_200_000, '2h'],
    [61_000, '61s'],
    [1_499, '1s'],
    [0, '0s'],
    [-5, '0s'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('parseBoundedDuration', () => {
  const bounds = { min: 60_000, max: 86_400_000 };

  it('reads a duration within the bounds, both ends included', () => {
    expect(parseBoundedDuration('1m', 'A lifetime', bounds)).toBe(60_000);
    expect(parseBoundedDuration('24h', 'A lifetime', bounds)).toBe(86_400_000);
  });

  it.each(['59s', '25h', '2d'])('refuses %s outside them, naming the bounds', (text) => {
    expect(() => parseBoundedDuration(text, 'A lifetime', bounds)).toThrow('A lifetime must be between 1m and 1d');
    expectInvalid(() => parseBoundedDuration(text, 'A lifetime', bounds));
  });
});
