import { ScimError } from '../errors/scim-error';
import { Filter } from './filter-ast';
import { and, attrPath, co, eq, ew, ge, gt, le, lt, ne, not, or, pr, sw, valuePath } from './filter-builders';
import { parseFilter } from './filter-parser';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function parseError(text: string): ScimError {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseFilter', () => {
  describe('RFC 7644 §3.4.2.2 examples', () => {
    it.each<[string, Filter]>([
      ['userName eq "bjensen"', eq('userName', 'bjensen')],
      [`name.familyName co "O'Malley"`, co('name.familyName', "O'Malley")],
      ['userName sw "J"', sw('userName', 'J')],
      [`${CORE_USER}:userName sw "J"`, sw({ schema: CORE_USER, attribute: 'userName' }, 'J')],
      ['title pr', pr('title')],
      ['meta.lastModified gt "2011-05-13T04:42:34Z"', gt('meta.lastModified', '2011-05-13T04:42:34Z')],
      ['meta.lastModified ge "2011-05-13T04:42:34Z"', ge('meta.lastModified', '2011-05-13T04:42:34Z')],
      ['meta.lastModified lt "2011-05-13T04:42:34Z"', lt('meta.lastModified', '2011-05-13T04:42:34Z')],
      ['meta.lastModified le "2011-05-13T04:42:34Z"', le('meta.lastModified', '2011-05-13T04:42:34Z')],
      ['title pr and userType eq "Employee"', and(pr('title'), eq('userType', 'Employee'))],
      ['title pr or userType eq "Intern"', or(pr('title'), eq('userType', 'Intern'))],
      [`schemas eq "${ENTERPRISE}"`, eq('schemas', ENTERPRISE)],
      [
        'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
        and(eq('userType', 'Employee'), or(co('emails', 'example.com'), co('emails.value', 'example.org'))),
      ],
      [
        'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
        and(ne('userType', 'Employee'), not(or(co('emails', 'example.com'), co('emails.value', 'example.org')))),
      ],
      ['userType eq "Employee" and (emails.type eq "work")', and(eq('userType', 'Employee'), eq('emails.type', 'work'))],
      [
        'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
        and(eq('userType', 'Employee'), valuePath('emails', and(eq('type', 'work'), co('value', '@example.com')))),
      ],
      [
        'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
        or(
          valuePath('emails', and(eq('type', 'work'), co('value', '@example.com'))),
          valuePath('ims', and(eq('type', 'xmpp'), co('value', '@foo.com'))),
        ),
      ],
    ])('%s', (text, expected) => {
      expect(parseFilter(text)).toStrictEqual(expected);
    });
  });

  describe('Microsoft Entra ID filters', () => {
    it.each<[string, Filter]>([
      ['userName eq "7d420df3-9995-4831-a406-ecf8166f5f6a"', eq('userName', '7d420df3-9995-4831-a406-ecf8166f5f6a')],
      ['externalId eq "x"', eq('externalId', 'x')],
      ['displayName eq "Sales Team"', eq('displayName', 'Sales Team')],
      ['emails[type eq "work"].value eq "a@b.c"', valuePath('emails', and(eq('type', 'work'), eq('value', 'a@b.c')))],
      ['emails[type eq "work"].value pr', valuePath('emails', and(eq('type', 'work'), pr('value')))],
      ['id eq 2819c223 and manager eq 26118915', and(eq('id', '2819c223'), eq('manager', 26118915))],
      [
        'id eq 2819c223-7f76-453a-919d-413861904646 and manager eq 123abc',
        and(eq('id', '2819c223-7f76-453a-919d-413861904646'), eq('manager', '123abc')),
      ],
      ['userName EQ "x" And title Pr', and(eq('userName', 'x'), pr('title'))],
      ['userName  \t eq\t\t"x"   ', eq('userName', 'x')],
      ['members[value eq 2819c223]', valuePath('members', eq('value', '2819c223'))],
      [`${ENTERPRISE}:employeeNumber eq "701984"`, eq({ schema: ENTERPRISE, attribute: 'employeeNumber' }, '701984')],
      [
        `${ENTERPRISE}:manager.value eq "26118915"`,
        eq({ schema: ENTERPRISE, attribute: 'manager', subAttribute: 'value' }, '26118915'),
      ],
    ])('%s', (text, expected) => {
      expect(parseFilter(text)).toStrictEqual(expected);
    });
  });

  describe('grammar', () => {
    it.each<[string, Filter]>([
      ['a pr or b pr and c pr', or(pr('a'), and(pr('b'), pr('c')))],
      ['a pr and b pr or c pr', or(and(pr('a'), pr('b')), pr('c'))],
      ['a pr and b pr and c pr', and(and(pr('a'), pr('b')), pr('c'))],
      ['a pr or b pr or c pr', or(or(pr('a'), pr('b')), pr('c'))],
      ['a pr and (b pr and c pr)', and(pr('a'), and(pr('b'), pr('c')))],
      ['(a pr or b pr) and c pr', and(or(pr('a'), pr('b')), pr('c'))],
      ['((a pr))', pr('a')],
      ['not (a pr) and b pr', and(not(pr('a')), pr('b'))],
      ['NOT(not (a pr))', not(not(pr('a')))],
      ['not pr', pr('not')],
      ['and pr and or pr', and(pr('and'), pr('or'))],
      ['x ne 1', ne('x', 1)],
      ['x ew "z"', ew('x', 'z')],
      ['x eq -1.5e3', eq('x', -1500)],
      ['x eq 0.25', eq('x', 0.25)],
      ['x eq 1E2', eq('x', 100)],
      ['x eq 007', eq('x', '007')],
      ['x eq TRUE or x eq False or x eq nUll', or(or(eq('x', true), eq('x', false)), eq('x', null))],
      ['x eq "true"', eq('x', 'true')],
      ['x eq "a\\"b\\\\c\\u00e9\\n"', eq('x', 'a"b\\cé\n')],
      ['x eq "😀 ] ) and"', eq('x', '😀 ] ) and')],
      ['x eq ""', eq('x', '')],
      ['$ref eq "https://x/Users/1"', eq('$ref', 'https://x/Users/1')],
      ['meta.resourceType eq "User"', eq(attrPath('meta.resourceType'), 'User')],
      [
        `${ENTERPRISE}:manager[value eq "1"]`,
        valuePath({ schema: ENTERPRISE, attribute: 'manager' }, eq('value', '1')),
      ],
      [
        'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:JobCode eq "X1"',
        eq({ schema: 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User', attribute: 'JobCode' }, 'X1'),
      ],
      ['emails[not (type eq "home")]', valuePath('emails', not(eq('type', 'home')))],
      ['emails [type eq "work"]', valuePath('emails', eq('type', 'work'))],
    ])('%s', (text, expected) => {
      expect(parseFilter(text)).toStrictEqual(expected);
    });
  });

  describe('rejects malformed filters with invalidFilter (400)', () => {
    it.each([
      ['', /empty/],
      ['   \t ', /empty/],
      ['(', /attribute path/],
      ['(userName pr', /Expected '\)' \(to close the '\(' at position 1\) at position 13, but the filter ended/],
      ['userName pr)', /Unmatched '\)' at position 12/],
      ['emails[type eq "work"', /Expected '\]'/],
      ['emails[type eq "work"]]', /Unmatched '\]'/],
      ['type eq "work"]', /Unmatched '\]'/],
      ['userName eq', /Expected a value after 'eq' at position 12, but the filter ended/],
      ['userName eq )', /Expected a value/],
      ['userName eq and title pr', /Expected a value/],
      ['userName eqq "x"', /Expected an operator .* at position 10, but found "eqq"/],
      ['userName', /Expected an operator/],
      ['userName "x"', /Expected an operator/],
      ['userName eq "x" title pr', /Expected 'and', 'or' or the end of the filter at position 17/],
      ['userName eq "x" and', /Expected an attribute path/],
      ['or title pr', /Expected an operator/],
      ['userName eq "abc', /Unterminated string starting at position 13/],
      ['userName eq "abc\\"', /Unterminated string/],
      ['userName eq "\\x"', /Invalid string at position 13/],
      ['userName eq "a\tb"', /Invalid string/],
      ['emails[type eq "work" and phones[value pr]]', /cannot be nested/],
      ['emails[value[x pr]]', /cannot be nested/],
      ['emails.value[type eq "work"]', /not the sub-attribute/],
      ['emails[type eq "work"].value', /Expected an operator/],
      ['emails[type eq "work"].value.x eq 1', /sub-attribute name/],
      ['emails[type eq "work"]value eq 1', /Expected 'and', 'or'/],
      ['title pr "x"', /'pr' operator takes no value/],
      ['title pr true', /'pr' operator takes no value/],
      ['not title pr', /'not' must be followed by '\('/],
      ['not ()', /Expected an attribute path/],
      ['a.b.c pr', /only one sub-attribute level/],
      ['1abc pr', /not a valid attribute name/],
      ['foo:bar pr', /not a schema URN/],
      [`${ENTERPRISE}: pr`, /not a valid attribute name/],
      ['x eq 1e999', /Number out of range/],
      ['x eq "a" and', /Expected an attribute path/],
    ])('%j', (text, detail) => {
      const error = parseError(text);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.status).toBe(400);
      expect(error.detail).toMatch(detail);
    });

    it.each([
      ['1025 characters', 'x'.repeat(1025), /longer than the 1024-character limit \(SCIM_MAX_FILTER_LENGTH\)/],
      ['11 nested parentheses', `${'('.repeat(11)}a pr${')'.repeat(11)}`, /deeper than the 10-level limit \(SCIM_MAX_FILTER_DEPTH\) at position 11/],
      ['11 nested nots', `${'not ('.repeat(11)}a pr${')'.repeat(11)}`, /deeper than the 10-level limit/],
      ['200 nested parentheses', `${'('.repeat(200)}a pr${')'.repeat(200)}`, /deeper than the 10-level limit/],
      ['2000 unclosed parentheses', '('.repeat(2000), /longer than the 1024-character limit/],
      ['1000 unclosed parentheses', '('.repeat(1000), /deeper than the 10-level limit/],
      ['51 comparisons', Array.from({ length: 26 }, (_, i) => `a${i} pr`).join(' or '), /more nodes than the 50-node limit \(SCIM_MAX_FILTER_NODES\)/],
    ])('%s', (_label, text, detail) => {
      const error = parseError(text);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.detail).toMatch(detail);
    });

    it('accepts nesting up to the depth limit, and the configured limits instead of the defaults', () => {
      expect(parseFilter(`${'('.repeat(10)}a pr${')'.repeat(10)}`)).toStrictEqual(pr('a'));
      const roomy = { maxFilterLength: 100_000, maxFilterNodes: 1000, maxFilterDepth: 60 };
      expect(parseFilter(`${'('.repeat(60)}a pr${')'.repeat(60)}`, roomy)).toStrictEqual(pr('a'));
      const tight = { maxFilterLength: 64, maxFilterNodes: 2, maxFilterDepth: 1 };
      expect(() => parseFilter('a pr or b pr', tight)).toThrow(/more nodes than the 2-node limit/);
      expect(() => parseFilter('emails[type pr]', tight)).not.toThrow();
      expect(() => parseFilter('not (emails[type pr])', tight)).toThrow(/deeper than the 1-level limit/);
    });

    it('rejects non-string input with invalidFilter', () => {
      expect(() => parseFilter(undefined as unknown as string)).toThrow(ScimError);
    });
  });
});

describe('attrPath', () => {
  it.each([
    ['userName', { attribute: 'userName' }],
    ['name.givenName', { attribute: 'name', subAttribute: 'givenName' }],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
      { schema: ENTERPRISE, attribute: 'manager', subAttribute: 'value' },
    ],
  ])('splits %s', (text, expected) => {
    expect(attrPath(text)).toStrictEqual(expected);
  });

  it('throws invalidPath with the text escaped', () => {
    expect(() => attrPath('bad\u0000name')).toThrow('Invalid attribute path "bad\\u0000name"');
  });
});
