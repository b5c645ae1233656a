import fc from 'fast-check';
import { exceedsJsonDepth } from './json-depth';

/** Oracle: the nesting depth of a parsed JSON value, `{}` and `[]` counting 1. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/** Strings full of the characters a naive scanner would miscount. */
const trickyString = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', 'a', ' ', '\n', 'é') });
const json = fc.jsonValue({ maxDepth: 8 }).chain((value) =>
  fc.oneof(fc.constant(value), trickyString.map((text) => ({ [text]: [value, text] }))),
);

describe('exceedsJsonDepth', () => {
  it('agrees with the depth of the parsed value for any JSON text and any limit', () => {
    fc.assert(
      fc.property(json, fc.nat({ max: 12 }), fc.boolean(), (value, maxDepth, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(exceedsJsonDepth(text, maxDepth)).toBe(depthOf(JSON.parse(text)) > maxDepth);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['a scalar', '"{[{["', 0, false],
    ['an escaped quote before a bracket', '{"a\\"[[[": 1}', 1, false],
    ['an escaped backslash ending a string', '{"a\\\\": [[1]]}', 2, true],
    ['exactly the limit', `${'['.repeat(32)}${']'.repeat(32)}`, 32, false],
    ['one over the limit', `${'['.repeat(33)}${']'.repeat(33)}`, 32, true],
  ])('%s', (_label, text, maxDepth, expected) => {
    expect(exceedsJsonDepth(text, maxDepth)).toBe(expected);
  });

  it('scans nesting far beyond what recursion survives, without recursing', () => {
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    expect(exceedsJsonDepth(deep, 32)).toBe(true);
    expect(exceedsJsonDepth(deep, 200_000)).toBe(false);
  });
});
