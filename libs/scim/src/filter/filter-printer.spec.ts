import { Filter } from './filter-ast';
import { and, co, eq, gt, ne, not, or, pr, valuePath } from './filter-builders';
import { parseFilter } from './filter-parser';
import { printFilter, printFilterValue } from './filter-printer';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('printFilter', () => {
  it.each<[Filter, string]>([
    [eq('userName', 'bjensen'), 'userName eq "bjensen"'],
    [pr('title'), 'title pr'],
    [eq(`${ENTERPRISE}:manager.value`, '1'), `${ENTERPRISE}:manager.value eq "1"`],
    [eq('x', 'a"b\\c\n'), 'x eq "a\\"b\\\\c\\n"'],
    [gt('x', -1.5), 'x gt -1.5'],
    [eq('x', -0), 'x eq -0'],
    [ne('x', null), 'x ne null'],
    [eq('x', false), 'x eq false'],
    [or(pr('a'), and(pr('b'), pr('c'))), 'a pr or b pr and c pr'],
    [and(or(pr('a'), pr('b')), pr('c')), '(a pr or b pr) and c pr'],
    [and(pr('a'), and(pr('b'), pr('c'))), 'a pr and (b pr and c pr)'],
    [and(and(pr('a'), pr('b')), pr('c')), 'a pr and b pr and c pr'],
    [or(pr('a'), or(pr('b'), pr('c'))), 'a pr or (b pr or c pr)'],
    [and(pr('a'), or(pr('b'), pr('c'))), 'a pr and (b pr or c pr)'],
    [not(or(pr('a'), pr('b'))), 'not (a pr or b pr)'],
    [
      valuePath('emails', and(eq('type', 'work'), co('value', '@x'))),
      'emails[type eq "work" and value co "@x"]',
    ],
  ])('%j prints as %s', (filter, text) => {
    expect(printFilter(filter)).toBe(text);
    expect(parseFilter(text)).toStrictEqual(filter);
  });

  it('refuses non-finite numbers', () => {
    expect(() => printFilterValue(Number.NaN)).toThrow(RangeError);
    expect(() => printFilterValue(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
