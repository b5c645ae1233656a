import { Writable } from 'node:stream';
import { serializeError } from './error-serializer';
import { createLogger } from './logger';

const USER_RECORD = '{"userName":"ada.lovelace@example.com","emails":[{"value":"ada.lovelace@example.com"}]}';

/** What pg and PGlite errors carry: the statement, its parameters and PostgreSQL's detail. */
function databaseError(): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint "users_user_name_key"'), {
    name: 'error',
    code: '23505',
    severity: 'ERROR',
    constraint: 'users_user_name_key',
    table: 'users',
    detail: 'Key (user_name)=(ada.lovelace@example.com) already exists.',
    where: `SQL statement "INSERT INTO users VALUES ('ada.lovelace@example.com')"`,
    query: 'INSERT INTO users (provider_id, user_name, resource) VALUES ($1, $2, $3)',
    params: ['alpha', 'ada.lovelace@example.com', USER_RECORD],
    parameters: ['alpha', 'ada.lovelace@example.com', USER_RECORD],
  });
}

describe('serializeError', () => {
  it('keeps type, SQLSTATE, schema names and stack frames of a database error, and none of its values', () => {
    const serialized = serializeError(databaseError());
    expect(serialized).toMatchObject({ code: '23505', severity: 'ERROR', constraint: 'users_user_name_key', table: 'users' });
    expect(serialized.stack).toMatch(/^\s+at /);
    const text = JSON.stringify(serialized);
    expect(text).not.toContain('ada.lovelace');
    expect(text).not.toContain('INSERT');
    expect(text).not.toMatch(/detail|where|params|parameters|query/);
  });

  it('replaces quoted values in messages, as PostgreSQL and JSON.parse quote what they reject', () => {
    expect(serializeError(new Error('invalid input syntax for type uuid: "ada@example.com"')).message).toBe('invalid input syntax for type uuid: "…"');
    let parseError: unknown;
    try {
      JSON.parse('{"userName": ada@example.com}');
    } catch (error) {
      parseError = error;
    }
    expect(JSON.stringify(serializeError(parseError))).not.toContain('ada@example.com');
  });

  it('follows causes, serialized the same way', () => {
    const wrapped = new Error('write failed', { cause: databaseError() });
    const serialized = serializeError(wrapped);
    expect(serialized.cause).toMatchObject({ code: '23505' });
    expect(JSON.stringify(serialized)).not.toContain('ada.lovelace');
  });

  it('does not fail on things that are not errors', () => {
    expect(serializeError('boom')).toEqual({ type: 'string' });
    expect(serializeError({ message: 'broker down' })).toEqual({ type: 'Error', message: 'broker down' });
  });
});

describe('createLogger', () => {
  it('writes errors through the serializer', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    createLogger('info', sink).error({ err: databaseError() }, 'unhandled error');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).err).toMatchObject({ code: '23505', table: 'users' });
    expect(lines[0]).not.toContain('ada.lovelace');
  });
});
