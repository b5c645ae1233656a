import { DatabaseUnavailableError } from './database-unavailable.error';
import { pgUnavailability } from './pg-unavailability';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('pgUnavailability', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')],
    ['a reset connection', withCode('ECONNRESET', 'read ECONNRESET')],
    ['an unknown host', withCode('ENOTFOUND', 'getaddrinfo ENOTFOUND db')],
    ['a refused connection to every address of a name', Object.assign(new AggregateError([withCode('ECONNREFUSED')]), { message: '' })],
    ['a server shutting down (admin_shutdown)', withCode('57P01', 'terminating connection due to administrator command')],
    ['a crashed server (crash_shutdown)', withCode('57P02')],
    ['a server starting up (cannot_connect_now)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (SQLSTATE class 08)', withCode('08006')],
    ['a connection the server ended', new Error('Connection terminated unexpectedly')],
    ['a client that lost its connection', new Error('Client has encountered a connection error and is not queryable')],
  ])('%s is unreachable: a silent server', (_, error) => {
    expect(pgUnavailability(error)).toEqual({ error: new DatabaseUnavailableError('unreachable'), evidence: 'silent' });
  });

  it.each([
    ['a read timeout', new Error('Query read timeout')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
    ["pg's own connect timeout", new Error('timeout expired')],
  ])('%s is a timeout of a silent server', (_, error) => {
    expect(pgUnavailability(error)).toEqual({ error: new DatabaseUnavailableError('timeout'), evidence: 'silent' });
  });

  it.each([
    ['statement_timeout', withCode('57014', 'canceling statement due to statement timeout')],
    ['lock_timeout', withCode('55P03', 'canceling statement due to lock timeout')],
    ['idle_in_transaction_session_timeout', withCode('25P03')],
  ])('%s is a timeout of a server that answered', (_, error) => {
    expect(pgUnavailability(error)).toEqual({ error: new DatabaseUnavailableError('timeout'), evidence: 'answered' });
  });

  it('a wait for a pooled connection that timed out is a timeout that says nothing certain about the server', () => {
    expect(pgUnavailability(new Error('timeout exceeded when trying to connect'))).toEqual({ error: new DatabaseUnavailableError('timeout'), evidence: 'pool-wait' });
  });

  it('too many connections is unavailability of a server that answers', () => {
    expect(pgUnavailability(withCode('53300'))).toEqual({ error: new DatabaseUnavailableError('unreachable'), evidence: 'answered' });
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a data exception', withCode('22021', 'invalid byte sequence')],
    ['a syntax error', withCode('42601', 'syntax error at or near')],
    ['a serialization failure', withCode('40001')],
    ['an error that is not from the database', new TypeError('x is not a function')],
    ['a thrown non-error', 'boom'],
  ])('%s is not unavailability', (_, error) => {
    expect(pgUnavailability(error)).toBeUndefined();
  });

  it('keeps an error that already is DatabaseUnavailableError', () => {
    const error = new DatabaseUnavailableError('timeout', 7);
    expect(pgUnavailability(error)).toEqual({ error, evidence: 'unknown' });
  });
});
