import { fields, table } from './render';

// How each result of the admin API reads in a terminal (`--json` prints the API's JSON instead).
/* eslint-disable @typescript-eslint/no-explicit-any -- results are the API's JSON, described in the admin API's controllers */
export const provider = (p: any) =>
  fields([
    ['Provider id', p.providerId],
    ['Display name', p.displayName],
    ['Tenant URL', p.tenantUrl],
    ['SCIM enabled', p.scimEnabled],
    ['Retired', p.retired],
    ['Rebaseline matching POSTs', p.rebaselineMatchingPosts],
    ['Registered at', p.registeredAt],
  ]);

export const providers = (list: any[]) =>
  table(list, [
    ['PROVIDER ID', (p) => p.providerId],
    ['DISPLAY NAME', (p) => p.displayName],
    ['SCIM', (p) => (p.retired ? 'retired' : p.scimEnabled ? 'enabled' : 'disabled')],
    ['TENANT URL', (p) => p.tenantUrl],
  ]);

function tokenStatus(t: any): string {
  if (t.revoked) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return 'expired';
  return t.replacedBy ? `rotated to ${t.replacedBy}` : 'active';
}

export const tokens = (list: any[]) =>
  table(list, [
    ['TOKEN ID', (t) => t.tokenId],
    ['LABEL', (t) => t.label],
    ['SCOPES', (t) => t.scopes],
    ['ISSUED AT', (t) => t.issuedAt],
    ['EXPIRES AT', (t) => t.expiresAt ?? 'never'],
    ['STATUS', tokenStatus],
  ]);

export const attributes = (list: any[]) =>
  table(list, [
    ['NAME', (a) => a.name],
    ['TYPE', (a) => a.type],
    ['STATUS', (a) => (a.retired ? 'retired' : 'registered')],
    ['REGISTERED AT', (a) => a.registeredAt],
  ]);

export const attribute = (a: any) => fields([['Name', a.name], ['Type', a.type], ['Status', a.retired ? 'retired' : 'registered'], ['Registered at', a.registeredAt]]);

export const SHOWN_ONCE = 'The secret is shown once; paste it into Entra ID (Provisioning → Admin Credentials → Secret Token).\n';

export const issuedToken = (t: any) =>
  fields([['Secret Token', t.token], ['Token id', t.tokenId], ['Scopes', t.scopes], ['Expires at', t.expiresAt ?? 'never'], ['Label', t.label]]);

export const users = (list: any[]) =>
  table(list, [
    ['USER ID', (u) => u.id],
    ['USERNAME', (u) => u.userName],
    ['EXTERNAL ID', (u) => u.externalId],
    ['ACTIVE', (u) => u.active],
    ['AWAITING REPROVISION', (u) => u.awaitingReprovision],
  ]);

export const user = (u: any) => fields([['User id', u.id], ['userName', u.userName], ['externalId', u.externalId], ['Active', u.active], ['Awaiting reprovision', u.awaitingReprovision]]);

/** Who made a change: the IdP and its token, an administrator (label and token id), or the service itself. */
function actorOf(actor: any): string {
  if (actor?.kind === 'admin') return `admin ${actor.name} (${actor.tokenId})`;
  if (actor?.kind === 'idp-token') return `idp ${actor.providerId} token ${actor.tokenId}`;
  return 'system';
}

export const userHistory = (list: any[]) =>
  table(list, [
    ['TIME', (e) => e.occurredAt],
    ['REV', (e) => e.revision],
    ['EVENT', (e) => e.type],
    ['ACTOR', (e) => actorOf(e.actor)],
    ['REQUEST ID', (e) => e.requestId],
  ]);

export const userAsOf = (r: any) =>
  fields([['As of', r.at], ['Revision', r.revision], ['Log position', r.position], ['Last change at', r.occurredAt], ['Awaiting reprovision', r.awaitingReprovision]]) +
  JSON.stringify(r.user, null, 2) +
  '\n';

export const adminToken = (t: any) => fields([['Admin Token', t.token], ['Token id', t.tokenId], ['Label', t.label], ['Issued at', t.issuedAt], ['Revoked', t.revoked]]);
export const adminTokens = (list: any[]) =>
  table(list, [
    ['TOKEN ID', (t) => t.tokenId],
    ['LABEL', (t) => t.label],
    ['ISSUED AT', (t) => t.issuedAt],
    ['STATUS', (t) => (t.revoked ? 'revoked' : 'active')],
  ]);
/* eslint-enable @typescript-eslint/no-explicit-any */
