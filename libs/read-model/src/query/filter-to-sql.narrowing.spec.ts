import { parseFilter } from '@app/scim/filter/filter-parser';
import { UserSchema } from '@app/scim/schema/user-schema';
import { compileFilter } from './filter-to-sql';

const SCHEMA = UserSchema.withCustomAttributes([{ name: 'JobCode', type: 'string' }]);
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const narrowed = (filter: string) => compileFilter(SCHEMA, parseFilter(filter), 2).narrowedByIndex;

describe('compileFilter: whether an index narrows the rows a filter reads', () => {
  it.each([
    'userName eq "a@example.com"',
    'USERNAME eq "a@example.com"',
    'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a@example.com"',
    'externalId eq "x"',
    'id eq "u1"',
    'emails[type eq "work"].value eq "a@example.com"',
    'emails.value eq "a@example.com"',
    'emails eq "a@example.com"',
    `id eq "u1" and ${ENTERPRISE}:manager eq "u2"`,
    'displayName co "a" and userName eq "a@example.com"',
    'userName eq "a" or externalId eq "b"',
  ])('%s: an index', (filter) => {
    expect(narrowed(filter)).toBe(true);
  });

  it.each([
    // Entra may match on any mapped attribute; no index serves these, so a list reads them in batches.
    'displayName eq "Ada"',
    `${ENTERPRISE}:employeeNumber eq "42"`,
    'JobCode eq "x"',
    'userName co "a"',
    'userName sw "a"',
    'userName ne "a"',
    'userName eq null',
    'not (userName eq "a")',
    'userName eq "a" or title pr',
    'emails[type eq "work"]',
    'emails.type eq "work"',
    'meta.created eq "2026-01-01T00:00:00Z"',
    'active eq true',
  ])('%s: every user of the IdP', (filter) => {
    expect(narrowed(filter)).toBe(false);
  });
});
