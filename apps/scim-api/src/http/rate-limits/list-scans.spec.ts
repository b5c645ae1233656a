import { DEFAULT_SCIM_LIMITS } from '@app/scim/limits/scim-limits';
import { parseFilter } from '@app/scim/filter/filter-parser';
import { mayScanUsers, scansUsers } from './list-scans';

describe('mayScanUsers', () => {
  it.each([
    'userName eq "7d420df3-9995-4831-a406-ecf8166f5f6a"',
    'externalId eq "johnwong"',
    'emails[type eq "work"].value eq "a@example.com"',
    'id eq 1813229 and manager eq 42',
  ])('does not count Entra\'s matching filter %s', (filter) => {
    expect(mayScanUsers(filter, DEFAULT_SCIM_LIMITS)).toBe(false);
  });

  it.each([
    ['no filter', undefined],
    ['or', 'userName eq "a" or userName eq "b"'],
    ['not', 'not (userName eq "a")'],
    ['a substring match', 'userName co "x"'],
    ['an ordering comparison', 'meta.lastModified gt "2024-01-01T00:00:00Z"'],
    ['presence', 'title pr'],
    ['ne inside a value path', 'emails[type ne "work"]'],
  ])('counts %s', (_name, filter) => {
    expect(mayScanUsers(filter, DEFAULT_SCIM_LIMITS)).toBe(true);
  });

  it.each([
    ['an empty filter', '  '],
    ['a filter that does not parse', 'userName eq'],
    ['a filter over the length limit', `userName co "${'x'.repeat(2000)}"`],
    ['a repeated filter parameter', ['userName co "a"', 'userName co "b"']],
  ])('does not count %s, which the handler refuses with a 400 before any query', (_name, filter) => {
    expect(mayScanUsers(filter, DEFAULT_SCIM_LIMITS)).toBe(false);
  });
});

describe('scansUsers', () => {
  it('reads in batches no filter and any filter but eq joined by and', () => {
    expect(scansUsers(undefined)).toBe(true);
    expect(scansUsers(parseFilter('userName co "x" or title pr', DEFAULT_SCIM_LIMITS))).toBe(true);
    expect(scansUsers(parseFilter('userName eq "a" and externalId eq "b"', DEFAULT_SCIM_LIMITS))).toBe(false);
    expect(scansUsers(parseFilter('emails[type eq "work"].value eq "a@example.com"', DEFAULT_SCIM_LIMITS))).toBe(false);
  });
});
