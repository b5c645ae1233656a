import { DatabaseUnavailableError } from '@app/platform/database/database-unavailable.error';
import { describeProjectionError } from './projection-error';

/** What pg and PGlite throw for a server error: a message that may quote values, a severity and the SQLSTATE. */
function serverError(code: string): Error {
  return Object.assign(new Error('value "secret@example.com" refused'), { name: 'error', code, severity: 'ERROR' });
}

describe('describeProjectionError', () => {
  it.each([
    ['54000', 'program_limit_exceeded'], // index row size exceeds the btree maximum
    ['54001', 'program_limit_exceeded'], // statement too complex
    ['22001', 'data_exception'], // value too long for its type
    ['22P05', 'data_exception'], // untranslatable character (a lone surrogate in JSON)
    ['22021', 'data_exception'], // NUL in text
    ['23505', 'integrity_constraint_violation'],
    ['23502', 'integrity_constraint_violation'],
  ])('quarantines SQLSTATE %s (%s): the same event fails the same way every time', (code, errorClass) => {
    expect(describeProjectionError(serverError(code))).toEqual({ permanent: true, errorClass, errorCode: code });
  });

  it.each([
    ['40001', 'transaction_rollback'], // serialization failure
    ['40P01', 'transaction_rollback'], // deadlock
    ['08006', 'connection_exception'],
    ['57014', 'operator_intervention'], // statement timeout
    ['57P01', 'operator_intervention'], // admin shutdown
    ['53100', 'insufficient_resources'], // disk full
    ['42P01', 'syntax_error_or_access_rule_violation'], // a missing table: our bug or a migration, not the event
    ['55P03', 'object_not_in_prerequisite_state'], // lock not available
    ['XX000', 'internal_error'],
    ['HV000', 'sqlstate_class_HV'],
  ])('retries SQLSTATE %s (%s): the fault is not in the event', (code, errorClass) => {
    expect(describeProjectionError(serverError(code))).toEqual({ permanent: false, errorClass, errorCode: code });
  });

  it('quarantines a data SQLSTATE even when an adapter passed on only the code', () => {
    expect(describeProjectionError(Object.assign(new Error('x'), { code: '54000' }))).toEqual({
      permanent: true,
      errorClass: 'program_limit_exceeded',
      errorCode: '54000',
    });
  });

  it('retries a database that is unreachable or too slow', () => {
    expect(describeProjectionError(new DatabaseUnavailableError('unreachable'))).toEqual({ permanent: false, errorClass: 'DatabaseUnavailableError' });
    expect(describeProjectionError(new DatabaseUnavailableError('timeout')).permanent).toBe(false);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'])('retries a socket error %s and keeps its code', (code) => {
    expect(describeProjectionError(Object.assign(new Error('socket'), { code }))).toEqual({ permanent: false, errorClass: 'Error', errorCode: code });
  });

  it('retries errors without a code: a bug in our code is fixed by a deploy, not by setting events aside', () => {
    expect(describeProjectionError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({
      permanent: false,
      errorClass: 'TypeError',
    });
    expect(describeProjectionError('thrown string')).toEqual({ permanent: false, errorClass: 'string' });
    expect(describeProjectionError(undefined)).toEqual({ permanent: false, errorClass: 'undefined' });
    expect(describeProjectionError(null)).toEqual({ permanent: false, errorClass: 'object' });
    expect(describeProjectionError(Object.assign(new Error('x'), { code: 54000 })).permanent).toBe(false);
  });

  it('never carries the message, which may quote user values', () => {
    expect(JSON.stringify(describeProjectionError(serverError('22001')))).not.toContain('secret');
    expect(JSON.stringify(describeProjectionError(serverError('40001')))).not.toContain('secret');
  });
});
