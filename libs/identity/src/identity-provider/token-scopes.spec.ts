import fc from 'fast-check';
import { DomainError } from '../shared/domain-error';
import { ALL_TOKEN_SCOPES, normalizeTokenScopes, parseTokenScopes } from './token-scopes';

describe('parseTokenScopes', () => {
  it.each<[string, string[]]>([
    ['users:read', ['users:read']],
    ['users:read,users:write,users:delete', [...ALL_TOKEN_SCOPES]],
    ['users:delete, users:read ,users:read', ['users:read', 'users:delete']],
  ])('reads %j', (text, scopes) => {
    expect(parseTokenScopes(text)).toEqual(scopes);
  });

  it.each(['', ' ', 'users:read,', ',users:read', 'users:admin', 'USERS:READ', 'users:read;users:write', 'groups:read'])('refuses %j with TOKEN_SCOPES_INVALID', (text) => {
    expect(() => parseTokenScopes(text)).toThrow(expect.objectContaining({ code: 'TOKEN_SCOPES_INVALID' }));
  });

  it('names the scopes there are when it refuses', () => {
    expect(() => parseTokenScopes('users:admin')).toThrow('Unknown token scope "users:admin"; the scopes are users:read, users:write, users:delete');
  });

  it('reads back any non-empty set of scopes, in canonical order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...ALL_TOKEN_SCOPES), { minLength: 1 }), (scopes) => {
        const parsed = parseTokenScopes(scopes.join(','));
        return parsed.length === scopes.length && parsed.every((s, i) => ALL_TOKEN_SCOPES.indexOf(s) >= (i === 0 ? 0 : ALL_TOKEN_SCOPES.indexOf(parsed[i - 1]) + 1));
      }),
    );
  });

  it('throws nothing but TOKEN_SCOPES_INVALID', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          return parseTokenScopes(text).length > 0;
        } catch (error) {
          return error instanceof DomainError && error.code === 'TOKEN_SCOPES_INVALID';
        }
      }),
    );
  });
});

describe('normalizeTokenScopes', () => {
  it('refuses values that are no scope names (from a JSON body)', () => {
    expect(() => normalizeTokenScopes([42, null])).toThrow(expect.objectContaining({ code: 'TOKEN_SCOPES_INVALID' }));
  });
});
