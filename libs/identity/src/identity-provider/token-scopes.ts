import { DomainError } from '../shared/domain-error';

/** What a SCIM token may do: read users (GET, list, .search), write them (POST, PUT, PATCH), delete them. */
export const ALL_TOKEN_SCOPES = ['users:read', 'users:write', 'users:delete'] as const;

export type TokenScope = (typeof ALL_TOKEN_SCOPES)[number];

export function isTokenScope(value: unknown): value is TokenScope {
  return (ALL_TOKEN_SCOPES as readonly unknown[]).includes(value);
}

/** A non-empty set of known scopes, deduplicated, in the canonical order of ALL_TOKEN_SCOPES. */
export function normalizeTokenScopes(scopes: readonly unknown[]): TokenScope[] {
  const unknown = scopes.filter((s) => !isTokenScope(s));
  if (unknown.length > 0) throw scopesInvalid(`Unknown token scope ${unknown.map((s) => JSON.stringify(s)).join(', ')}`);
  if (scopes.length === 0) throw scopesInvalid('A token needs at least one scope');
  return ALL_TOKEN_SCOPES.filter((s) => scopes.includes(s));
}

/** `users:read,users:write` (spaces around commas allowed) → its scopes; DomainError TOKEN_SCOPES_INVALID otherwise. */
export function parseTokenScopes(text: string): TokenScope[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw scopesInvalid(`"${text}" is not a comma-separated list of scopes`);
  return normalizeTokenScopes(parts);
}

function scopesInvalid(message: string): DomainError {
  return new DomainError('TOKEN_SCOPES_INVALID', `${message}; the scopes are ${ALL_TOKEN_SCOPES.join(', ')}`);
}
