import fc from 'fast-check';
import { ScimError } from '../errors/scim-error';
import { PatchPath } from '../filter/filter-ast';
import { and, co, eq, not, pr } from '../filter/filter-builders';
import { parsePatchPath } from './parse-patch-path';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

function pathError(text: string): ScimError {
  try {
    parsePatchPath(text);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parsePatchPath', () => {
  it.each<[string, PatchPath]>([
    ['userName', { attribute: 'userName' }],
    ['name.givenName', { attribute: 'name', subAttribute: 'givenName' }],
    ['  active\t', { attribute: 'active' }],
    ['emails[type eq "work"].value', { attribute: 'emails', filter: eq('type', 'work'), subAttribute: 'value' }],
    [
      'addresses[type eq "work"].locality',
      { attribute: 'addresses', filter: eq('type', 'work'), subAttribute: 'locality' },
    ],
    ['roles[primary eq "True"].value', { attribute: 'roles', filter: eq('primary', 'True'), subAttribute: 'value' }],
    ['members[value eq "abc"]', { attribute: 'members', filter: eq('value', 'abc') }],
    ['members[value eq 2819c223-7f76-453a]', { attribute: 'members', filter: eq('value', '2819c223-7f76-453a') }],
    [
      'emails[type EQ "work" and not (value co "@old.com")]',
      { attribute: 'emails', filter: and(eq('type', 'work'), not(co('value', '@old.com'))) },
    ],
    ['phoneNumbers[primary pr]', { attribute: 'phoneNumbers', filter: pr('primary') }],
    [`${ENTERPRISE}:manager`, { schema: ENTERPRISE, attribute: 'manager' }],
    [`${ENTERPRISE}:manager.value`, { schema: ENTERPRISE, attribute: 'manager', subAttribute: 'value' }],
    [`${ENTERPRISE}:employeeNumber`, { schema: ENTERPRISE, attribute: 'employeeNumber' }],
    [`${CUSTOM}:JobCode`, { schema: CUSTOM, attribute: 'JobCode' }],
    [
      `${ENTERPRISE}:manager[value eq "1"].displayName`,
      { schema: ENTERPRISE, attribute: 'manager', filter: eq('value', '1'), subAttribute: 'displayName' },
    ],
    // Without a final attribute the URN's last segment reads as the attribute; the PATCH layer decides.
    [ENTERPRISE, { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0', attribute: 'User' }],
  ])('%s', (text, expected) => {
    expect(parsePatchPath(text)).toStrictEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['emails.value[type eq "work"]', /not its sub-attribute/],
    ['name.givenName.x', /only one sub-attribute level/],
    ['emails[type eq "work"', /Expected '\]' \(to close the '\[' at position 7\) at position 22, but the path ended/],
    ['emails[type eq "work"]]', /Unexpected text after the path at position 23/],
    ['emails[]', /Expected an attribute path/],
    ['emails[type eq]', /Expected a value/],
    ['emails[type eq "work"] .value', /Unexpected text after the path/],
    ['emails[type eq "work"].value.x', /sub-attribute name/],
    ['emails[type eq "work"].', /sub-attribute name/],
    ['emails[type eq "work"]value', /Unexpected text after the path/],
    ['emails[type eq "work"][value pr]', /Unexpected text after the path/],
    ['emails[members[value pr]]', /cannot be nested/],
    ['emails[type eq "work"].value eq "x"', /Unexpected text after the path/],
    ['user name', /Unexpected text after the path at position 6/],
    ['[type eq "work"]', /Expected an attribute path at position 1/],
    ['"userName"', /Expected an attribute path/],
    ['1st', /not a valid attribute name/],
    ['foo:bar', /not a schema URN/],
    [`${ENTERPRISE}:`, /not a valid attribute name/],
    ['emails[type eq "wo', /Unterminated string/],
  ])('rejects %j with invalidPath (400)', (text, detail) => {
    const error = pathError(text);
    expect(error.scimType).toBe('invalidPath');
    expect(error.status).toBe(400);
    expect(error.detail).toMatch(detail);
  });

  it('rejects non-string input with invalidPath', () => {
    expect(pathError(null as unknown as string).scimType).toBe('invalidPath');
  });
});

const SEEDS = [
  'userName',
  'name.givenName',
  'emails[type eq "work"].value',
  'members[value eq "abc"]',
  `${ENTERPRISE}:manager.value`,
  'emails[type eq "work" and not (value co "\\u00e9")].display',
];
const FRAGMENTS = ['(', ')', '[', ']', '"', '\\', ' ', '.', ':', 'and ', ' pr', ' eq ', '😀', '\ud800', '\0'];

const mutatedPath = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 2 }))), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([seed, edits]) =>
    edits.reduce((text, [at, remove, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + remove);
    }, seed),
  );

describe('parsePatchPath robustness', () => {
  it('only ever returns a PatchPath or throws ScimError invalidPath', () => {
    const anyText = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom(...FRAGMENTS, 'a', 'b') }),
      mutatedPath,
    );
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          parsePatchPath(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          const { scimType, detail } = error as ScimError;
          // A bracket filter over a filter limit is refused as a filter, naming the limit.
          if (scimType === 'invalidFilter') expect(detail).toMatch(/\(SCIM_MAX_FILTER_(LENGTH|NODES|DEPTH)\)/);
          else expect(scimType).toBe('invalidPath');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('parsePatchPath limits', () => {
  it.each([
    ['x'.repeat(1025), /The path is longer than the 1024-character limit \(SCIM_MAX_FILTER_LENGTH\)/],
    [`a[${'('.repeat(10)}b pr${')'.repeat(10)}]`, /The path nests deeper than the 10-level limit \(SCIM_MAX_FILTER_DEPTH\)/],
    [`emails[${Array.from({ length: 26 }, (_, i) => `type eq "${i}"`).join(' or ')}]`, /more nodes than the 50-node limit \(SCIM_MAX_FILTER_NODES\)/],
  ])('refuses %j with invalidFilter naming the limit', (text, detail) => {
    const error = pathError(text);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toMatch(detail);
  });

  it('applies the limits it is given', () => {
    const tight = { maxFilterLength: 64, maxFilterNodes: 1, maxFilterDepth: 1 };
    expect(parsePatchPath('emails[type eq "work"].value', tight)).toMatchObject({ attribute: 'emails', subAttribute: 'value' });
    expect(() => parsePatchPath('emails[type eq "work" and primary eq true]', tight)).toThrow(/1-node limit/);
  });
});
