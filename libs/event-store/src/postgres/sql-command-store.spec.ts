import { ClaimTakenError } from '../command-handling/unique-claim';
import { ConcurrencyError } from '../concurrency.error';
import { reviveWriteError } from './sql-command-store';

/** What an error looks like after crossing from PGlite's worker: its name and primitive fields, Dates as ISO strings. */
const crossed = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message)), fields);

describe('reviveWriteError', () => {
  it('gives a ClaimTakenError back its class, holder and claim time', () => {
    const revived = reviveWriteError(crossed({ name: 'ClaimTakenError', message: 'm', key: 'user-name:p:ada', holder: 'u-1', claimedAt: '2026-01-02T03:04:05.678Z' }));
    expect(revived).toBeInstanceOf(ClaimTakenError);
    expect(revived).toMatchObject({ key: 'user-name:p:ada', holder: 'u-1', claimedAt: new Date('2026-01-02T03:04:05.678Z') });
  });

  it.each([
    [3, 5],
    ['noStream', 0],
    ['any', 'noStream'],
  ])('gives a ConcurrencyError back its class and revisions (expected %p, actual %p)', (expected, actual) => {
    const revived = reviveWriteError(crossed({ name: 'ConcurrencyError', message: 'm', streamId: 'user-p-1', expected, actual }));
    expect(revived).toBeInstanceOf(ConcurrencyError);
    expect(revived).toMatchObject({ streamId: 'user-p-1', expected, actual });
  });

  it('leaves every other error as it came (SQL errors keep their SQLSTATE)', () => {
    const sqlError = crossed({ name: 'error', message: 'duplicate key', code: '23505' });
    expect(reviveWriteError(sqlError)).toBe(sqlError);
  });
});
