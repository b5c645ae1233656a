import fc from 'fast-check';
import { ScimError } from '../errors/scim-error';
import { checkValueBounds } from './value-bounds';
import { DEFAULT_SCIM_LIMITS, ScimLimits } from './scim-limits';

const limits: ScimLimits = { ...DEFAULT_SCIM_LIMITS, maxStringLength: 20, maxMultiValuedElements: 3 };

function failure(value: unknown, where = ''): ScimError {
  try {
    checkValueBounds(value, limits, where);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected the value to be refused');
}

describe('checkValueBounds', () => {
  it('accepts values within every bound', () => {
    expect(() => checkValueBounds({ userName: 'a'.repeat(20), emails: [{ value: 'x' }, {}, {}], n: 1, b: null }, limits, '')).not.toThrow();
  });

  it.each([
    ['a long string value', { name: { givenName: 'a'.repeat(21) } }, /"name.givenName" is longer than the 20-character limit \(SCIM_MAX_STRING_LENGTH\)/],
    ['a long string in a list', { emails: [{ value: 'x' }, { value: 'b'.repeat(21) }] }, /"emails\[1\].value" is longer than the 20-character limit/],
    ['a long member name', { ['k'.repeat(21)]: 1 }, /A member name in "" is longer than the 20-character limit \(SCIM_MAX_STRING_LENGTH\)/],
    ['a long list', { emails: [1, 2, 3, 4] }, /"emails" has 4 elements, over the 3-element limit \(SCIM_MAX_MULTI_VALUED_ELEMENTS\)/],
    ['a NUL character', { title: 'a\u0000b' }, /"title" contains a NUL character/],
    ['an unpaired surrogate', { title: 'a\ud800b' }, /"title" is not well-formed Unicode/],
    ['a lone low surrogate', { title: '\udc00' }, /"title" is not well-formed Unicode/],
  ])('refuses %s with invalidValue naming where and the limit', (_label, value, detail) => {
    const error = failure(value);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toMatch(detail);
  });

  it('accepts paired surrogates (an emoji)', () => {
    expect(() => checkValueBounds({ displayName: '😀😀' }, limits, '')).not.toThrow();
  });

  it('names the value by the prefix it is given, and cuts long member names short', () => {
    expect(failure(['a'.repeat(21)], 'Operations[2].value').detail).toMatch(/^"Operations\[2\].value\[0\]" is longer/);
    const name = 'm'.repeat(20);
    expect(failure({ [name]: { x: 'a'.repeat(21) } }).detail).toContain(`"${name}.x"`);
  });

  it('walks nesting of any depth without recursing', () => {
    let deep: unknown = 'a'.repeat(21);
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(failure(deep).detail).toMatch(/is longer than the 20-character limit/);
  });

  it('refuses exactly the values holding an oversized string or list', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const strings: string[] = [];
        const lists: number[] = [];
        const collect = (v: unknown): void => {
          if (typeof v === 'string') strings.push(v);
          else if (Array.isArray(v)) {
            lists.push(v.length);
            v.forEach(collect);
          } else if (v && typeof v === 'object') {
            for (const [k, m] of Object.entries(v)) {
              strings.push(k);
              collect(m);
            }
          }
        };
        collect(value);
        const bad = strings.some((s) => s.length > 20 || s.includes('\u0000') || Buffer.from(s, 'utf8').toString('utf8') !== s) || lists.some((n) => n > 3);
        if (bad) expect(() => checkValueBounds(value, limits, '')).toThrow(ScimError);
        else expect(() => checkValueBounds(value, limits, '')).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
