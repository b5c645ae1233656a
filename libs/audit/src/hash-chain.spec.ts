import fc from 'fast-check';
import { canonicalJson, hashOf, link, toLine } from './hash-chain';

describe('canonical JSON (RFC 8785)', () => {
  it.each([
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [-0, '0'],
    [2 ** 64, '18446744073709552000'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [5e-324, '5e-324'],
    [0.1 + 0.2, '0.30000000000000004'],
  ])('spells the number %p as ECMAScript does: %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('sorts keys by UTF-16 code units, nested too, and writes non-ASCII as is (§3.2.3)', () => {
    const value = { '\u20ac': 1, '\r': 2, '\ufb33': 3, '1': 4, '\ud83d\ude00': 5, '\u0080': 6, '\u00f6': { b: [true, null], a: 'é\u2028' } };
    expect(canonicalJson(value)).toBe('{"\\r":2,"1":4,"\u0080":6,"\u00f6":{"a":"é\u2028","b":[true,null]},"\u20ac":1,"\ud83d\ude00":5,"\ufb33":3}');
  });

  it('escapes a lone surrogate rather than writing bytes that are not UTF-8', () => {
    expect(canonicalJson({ s: 'a\ud800b' })).toBe('{"s":"a\\ud800b"}');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(Infinity)).toThrow();
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('round-trips any JSON value: parsing its canonical form gives the same value and the same spelling', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reread: unknown = JSON.parse(text);
        expect(reread).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reread)).toBe(text);
      }),
    );
  });

  it('spells a value the same whatever the order its keys were written in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
      }),
    );
  });
});

describe('link', () => {
  it('hashes the record with its prev and without its hash, as a line of canonical JSON', () => {
    const record = link({ b: 1, a: 'x' }, 'f'.repeat(64));
    expect(record).toEqual({ a: 'x', b: 1, prev: 'f'.repeat(64), hash: hashOf({ a: 'x', b: 1, prev: 'f'.repeat(64) }) });
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(toLine(record)).toBe(`{"a":"x","b":1,"hash":"${record.hash}","prev":"${'f'.repeat(64)}"}\n`);
  });

  it('gives another hash for another prev', () => {
    expect(link({ a: 1 }, '0'.repeat(64)).hash).not.toBe(link({ a: 1 }, '1'.repeat(64)).hash);
  });
});
