import fc from 'fast-check';
import { encodeCursor } from '@app/journal/journal-cursor';
import { AdminRequestError } from '../http/admin-errors';
import { parseJournalSearch } from './journal-search-parameters';

describe('parseJournalSearch', () => {
  it('reads every parameter', () => {
    const cursor = { at: new Date('2026-12-02T07:00:00.000Z'), seq: 7 };
    expect(
      parseJournalSearch({ email: 'a@x', userName: 'u', externalId: 'e', userId: 'i', providerId: 'p', from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00+01:00', status: '4XX', limit: '10', cursor: encodeCursor(cursor) }),
    ).toEqual({
      email: 'a@x',
      userName: 'u',
      externalId: 'e',
      userId: 'i',
      providerId: 'p',
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2026-12-01T23:00:00Z'),
      status: { min: 400, max: 499 },
      limit: 10,
      cursor,
    });
    expect(parseJournalSearch({ status: '409' })).toMatchObject({ status: { min: 409, max: 409 }, limit: 100 });
  });

  it('answers anything else with an admin 400, never another error', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('email', 'from', 'to', 'status', 'limit', 'cursor', 'other'), fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined))), (query) => {
        try {
          parseJournalSearch(query);
        } catch (error) {
          expect(error).toBeInstanceOf(AdminRequestError);
          expect((error as AdminRequestError).status).toBe(400);
        }
      }),
    );
  });
});
