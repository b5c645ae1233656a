import fc from 'fast-check';
import { ScimError } from '../errors/scim-error';
import { AttributePath, CompareOperator, Filter, FilterValue } from './filter-ast';
import { FilterLimits, parseFilter } from './filter-parser';
import { printFilter } from './filter-printer';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const attributeName = fc.oneof(
  fc.stringMatching(/^[A-Za-z$][A-Za-z0-9_$-]{0,7}$/),
  fc.constantFrom('and', 'or', 'not', 'pr', 'eq', 'true', 'null', '$ref', 'value'),
);
const schemaUrn = fc.oneof(
  fc.constantFrom(ENTERPRISE, 'urn:ietf:params:scim:schemas:core:2.0:User'),
  fc
    .array(fc.stringMatching(/^[A-Za-z0-9._~%+=@!$&'*,;/-]{1,6}$/), { minLength: 1, maxLength: 5 })
    .map((segments) => `urn:${segments.join(':')}`),
);

function attributePath(withSub: boolean): fc.Arbitrary<AttributePath> {
  return fc
    .record(
      { schema: schemaUrn, attribute: attributeName, subAttribute: attributeName },
      { requiredKeys: ['attribute'] },
    )
    .map((path) => (withSub ? path : { ...(path.schema ? { schema: path.schema } : {}), attribute: path.attribute }));
}

const trickyString = fc.string({
  unit: fc.constantFrom('"', '\\', 'a', 'Z', ' ', ']', ')', '(', '[', 'é', '😀', '\u0000', '\n', '\ud800', 'and'),
});
const filterValue: fc.Arbitrary<FilterValue> = fc.oneof(
  trickyString,
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const operator = fc.constantFrom<CompareOperator>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');

const leaf = (path: fc.Arbitrary<AttributePath>): fc.Arbitrary<Filter> =>
  fc.oneof(
    fc.record({ kind: fc.constant('compare' as const), path, op: operator, value: filterValue }),
    fc.record({ kind: fc.constant('present' as const), path }),
  );

/** Filters whose nesting never puts a valuePath inside a valuePath, as the grammar requires. */
const { filter: generatedFilter } = fc.letrec<{ filter: Filter; inner: Filter }>((tie) => ({
  filter: fc.oneof(
    { maxDepth: 5, depthIdentifier: 'filter' },
    leaf(attributePath(true)),
    fc.record({ kind: fc.constant('and' as const), left: tie('filter'), right: tie('filter') }),
    fc.record({ kind: fc.constant('or' as const), left: tie('filter'), right: tie('filter') }),
    fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }),
    fc.record({ kind: fc.constant('valuePath' as const), path: attributePath(false), filter: tie('inner') }),
  ),
  inner: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'filter' },
    leaf(attributePath(true)),
    fc.record({ kind: fc.constant('and' as const), left: tie('inner'), right: tie('inner') }),
    fc.record({ kind: fc.constant('or' as const), left: tie('inner'), right: tie('inner') }),
    fc.record({ kind: fc.constant('not' as const), filter: tie('inner') }),
  ),
}));

// fc.record builds null-prototype objects; clone them into plain ones so toStrictEqual compares shapes only.
const arbitraryFilter: fc.Arbitrary<Filter> = generatedFilter.map((filter) => structuredClone(filter));

/** Limits no generated filter reaches, so the round trip is about the grammar alone. */
const ROOMY: FilterLimits = { maxFilterLength: 1_000_000, maxFilterNodes: 10_000, maxFilterDepth: 1000 };

describe('printFilter / parseFilter round trip', () => {
  it('parseFilter(printFilter(ast)) equals ast', () => {
    fc.assert(
      fc.property(arbitraryFilter, (ast) => {
        expect(parseFilter(printFilter(ast), ROOMY)).toStrictEqual(ast);
      }),
      { numRuns: 300 },
    );
  });
});

/** Valid filters to mutate, so the robustness property also explores near-misses of real input. */
const SEEDS = [
  'userName eq "bjensen"',
  'title pr and userType eq "Employee"',
  'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
  'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
  'emails[type eq "work"].value eq "a@b.c"',
  'id eq 2819c223 and manager eq 26118915',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x\\u00e9\\"y"',
  'x eq -1.5e3 or y eq true or z eq null',
];
const FRAGMENTS = ['(', ')', '[', ']', '"', '\\', ' ', '.', ':', 'and ', 'or ', 'not ', ' pr', ' eq '];
FRAGMENTS.push('1e999', '\\u12', '\0', '😀', '\ud800');

type Mutation = { at: number; remove: number; insert: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 4 }),
  insert: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 3 }), fc.constant('')),
});

function mutate(seed: string, mutations: Mutation[]): string {
  return mutations.reduce((text, { at, remove, insert }) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + insert + text.slice(i + remove);
  }, seed);
}

const mutatedFilter = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([seed, mutations]) => mutate(seed, mutations));
const mutatedPrintedFilter = fc
  .tuple(arbitraryFilter, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([filter, mutations]) => mutate(printFilter(filter), mutations));
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(...FRAGMENTS, 'a', 'b') }),
  mutatedFilter,
  mutatedPrintedFilter,
);

/** Returns normally or throws invalidFilter; anything else fails the property. */
function parsesOrRejects(text: string): void {
  try {
    parseFilter(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).scimType).toBe('invalidFilter');
    expect((error as ScimError).status).toBe(400);
  }
}

describe('parseFilter robustness', () => {
  it('only ever returns a Filter or throws ScimError invalidFilter', () => {
    fc.assert(fc.property(anyText, parsesOrRejects), { numRuns: 300 });
  });

  it('stays within the depth limit for deeply nested input of any shape', () => {
    fc.assert(
      fc.property(fc.constantFrom('(', 'not (', 'a[', 'a[b[', '(a pr and '), fc.integer({ min: 40, max: 1200 }), (open, n) =>
        parsesOrRejects(`${open.repeat(n)}a pr${')'.repeat(n)}`),
      ),
      { numRuns: 50 },
    );
  });
});

/** Oracle: every node of the tree (comparisons, presence tests, and, or, not, value paths). */
function nodeCount(filter: Filter): number {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return 1 + nodeCount(filter.left) + nodeCount(filter.right);
    case 'not':
    case 'valuePath':
      return 1 + nodeCount(filter.filter);
    default:
      return 1;
  }
}

/** Oracle: the parentheses and brackets around the deepest leaf of printFilter's text, mirroring where it parenthesises. */
function nesting(filter: Filter): number {
  switch (filter.kind) {
    case 'and':
      return Math.max(
        nesting(filter.left) + (filter.left.kind === 'or' ? 1 : 0),
        nesting(filter.right) + (filter.right.kind === 'or' || filter.right.kind === 'and' ? 1 : 0),
      );
    case 'or':
      return Math.max(nesting(filter.left), nesting(filter.right) + (filter.right.kind === 'or' ? 1 : 0));
    case 'not':
    case 'valuePath':
      return 1 + nesting(filter.filter);
    default:
      return 0;
  }
}

describe('parseFilter complexity limits', () => {
  it('accepts a filter exactly when its node count and nesting are within the limits, and otherwise names the limit', () => {
    const limits = fc.record({ maxFilterNodes: fc.integer({ min: 1, max: 40 }), maxFilterDepth: fc.integer({ min: 1, max: 6 }) });
    fc.assert(
      fc.property(arbitraryFilter, limits, (ast, { maxFilterNodes, maxFilterDepth }) => {
        const text = printFilter(ast);
        const within = nodeCount(ast) <= maxFilterNodes && nesting(ast) <= maxFilterDepth;
        let error: unknown;
        try {
          expect(parseFilter(text, { maxFilterLength: 1_000_000, maxFilterNodes, maxFilterDepth })).toStrictEqual(ast);
        } catch (e) {
          error = e;
        }
        if (within) {
          expect(error).toBeUndefined();
        } else {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).scimType).toBe('invalidFilter');
          expect((error as ScimError).detail).toMatch(/\(SCIM_MAX_FILTER_(NODES|DEPTH)\)/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses text over maxFilterLength before reading it, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 65, maxLength: 300 }), (text) => {
        expect(() => parseFilter(text, { maxFilterLength: 64, maxFilterNodes: 50, maxFilterDepth: 10 })).toThrow(
          /longer than the 64-character limit \(SCIM_MAX_FILTER_LENGTH\)/,
        );
      }),
      { numRuns: 100 },
    );
  });
});
