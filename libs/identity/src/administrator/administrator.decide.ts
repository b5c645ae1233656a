import { DomainError } from '../shared/domain-error';
import { AdministratorEvent } from './administrator.events';
import { AdministratorsState } from './administrator.state';

/** The token id under which ADMIN_TOKEN from the environment acts; it is never on the stream, so it cannot be revoked there. */
export const BOOTSTRAP_ADMIN_TOKEN_ID = 'bootstrap-admin';

export interface NewAdminToken {
  readonly tokenId: string;
  readonly digest: string;
  readonly label: string;
}

/** Issuing is idempotent for the same token id (a retried request); the label is trimmed. */
export function decideIssueAdminToken(state: AdministratorsState, token: NewAdminToken): AdministratorEvent[] {
  if (state.tokens.some((t) => t.tokenId === token.tokenId)) return [];
  return [{ type: 'AdminTokenIssued', data: { tokenId: token.tokenId, digest: token.digest, label: token.label.trim() } }];
}

/** Revoking is idempotent: a revoked token stays revoked. */
export function decideRevokeAdminToken(state: AdministratorsState, tokenId: string): AdministratorEvent[] {
  const token = state.tokens.find((t) => t.tokenId === tokenId);
  if (!token) {
    const hint = tokenId === BOOTSTRAP_ADMIN_TOKEN_ID ? ' (ADMIN_TOKEN comes from the environment: remove it there)' : '';
    throw new DomainError('ADMIN_TOKEN_NOT_FOUND', `No admin token ${tokenId}${hint}`);
  }
  return token.revoked ? [] : [{ type: 'AdminTokenRevoked', data: { tokenId } }];
}

/** A first start with no ADMIN_TOKEN: one admin token, only while none was ever issued (a revoked one is not brought back). */
export function decideFirstStartAdminToken(state: AdministratorsState, token: NewAdminToken): AdministratorEvent[] {
  return state.tokens.length > 0 ? [] : decideIssueAdminToken(state, token);
}
