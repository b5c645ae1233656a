import fc from 'fast-check';
import { identifiersOf } from './request-identifiers';

const none = { userIds: [], userNames: [], emails: [], externalIds: [] };

describe('identifiersOf', () => {
  it.each([
    [
      'an Entra POST',
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'Ada@Contoso.example',
        externalId: 'EXT-1',
        emails: [
          { primary: true, type: 'work', value: 'Ada@Contoso.example' },
          { type: 'other', value: 'ada@home.example' },
        ],
      },
      { userNames: ['ada@contoso.example'], emails: ['ada@contoso.example', 'ada@home.example'], externalIds: ['EXT-1'] },
    ],
    [
      'a PATCH by path',
      {
        Operations: [
          { op: 'Replace', path: 'userName', value: 'New@Contoso.example' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'New@Contoso.example' },
          { op: 'Add', path: 'urn:ietf:params:scim:schemas:core:2.0:User:externalId', value: 'EXT-2' },
          { op: 'Add', path: 'emails', value: [{ type: 'other', value: 'x@other.example' }] },
        ],
      },
      { userNames: ['new@contoso.example'], emails: ['new@contoso.example', 'x@other.example'], externalIds: ['EXT-2'] },
    ],
    [
      'a path-less PATCH with dotted and filtered keys',
      { Operations: [{ op: 'add', value: { 'emails[type eq "work"].value': 'W@x.example', userName: 'u', 'name.givenName': 'Ada' } }] },
      { userNames: ['u'], emails: ['w@x.example'] },
    ],
    ['a PATCH that changes nothing it carries', { Operations: [{ op: 'replace', path: 'active', value: false }] }, {}],
    ['no body', undefined, {}],
    ['a SearchRequest', { filter: 'userName eq "A"' }, { userNames: ['a'] }],
  ])('%s', (_name, body, expected) => {
    expect(identifiersOf(body, [])).toEqual({ ...none, ...expected });
  });

  it.each([
    ['userName eq "Ada@Contoso.example"', { userNames: ['ada@contoso.example'] }],
    ['externalId eq "EXT-1"', { externalIds: ['EXT-1'] }],
    ['emails[type eq "work" and value eq "W@x.example"]', { emails: ['w@x.example'] }],
    ['emails[type eq "work"].value eq "W@x.example"', { emails: ['w@x.example'] }],
    ['emails.value eq "a@x.example" or emails eq "b@x.example"', { emails: ['a@x.example', 'b@x.example'] }],
    ['emails.type eq "work"', {}],
    ['userName sw "ada" and not (externalId eq "x")', {}],
    ['userName eq', {}],
  ])('the filter %s', (filter, expected) => {
    expect(identifiersOf(undefined, [], filter)).toEqual({ ...none, ...expected });
  });

  it('keeps the user ids it is given, lower-cased, without duplicates or empty ones', () => {
    expect(identifiersOf(undefined, ['ABC-1', undefined, 'abc-1', ''])).toEqual({ ...none, userIds: ['abc-1'] });
  });

  it('keeps at most 20 values of a kind, each at most 512 characters, storable', () => {
    const found = identifiersOf({ emails: Array.from({ length: 50 }, (_, i) => ({ value: `${i}@x.example` })), userName: `a\u0000${'b'.repeat(600)}\ud800` }, []);
    expect(found.emails).toHaveLength(20);
    expect(found.userNames).toEqual([`a\ufffd${'b'.repeat(510)}`]);
  });

  it('never throws on any JSON, deep or odd-keyed, and keeps its bounds', () => {
    let deep: unknown = { userName: 'deep' };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(identifiersOf(deep, [])).toEqual(none);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'emails', 'userName', 'path', 'value'), fc.jsonValue({ maxDepth: 3 })), (value, odd) => {
        const found = identifiersOf({ value, ...odd, Operations: [odd] }, []);
        for (const values of Object.values(found)) {
          expect(values.length).toBeLessThanOrEqual(20);
          for (const v of values) expect(v).not.toMatch(/\u0000/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
