import { decideAll, decideEnableScim, decideIssueToken, decideRegister } from '@app/identity/identity-provider/identity-provider.decide';
import { decideBootstrap, revokedTokenWithDigest } from '@app/identity/identity-provider/provider-bootstrap.decide';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import type { BootstrapProvider } from '@app/platform/config/app-config';
import type { Stores } from '@app/read-model/open-stores';
import { randomBytes, randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from './identity-provider-writer';

/** A new secret: 32 random bytes, so one SHA-256 of it is a safe thing to store and look up. */
export function newTokenSecret(): string {
  return `scim_${randomBytes(32).toString('base64url')}`;
}

/** What a start-up bootstrap left as an operator made it: the caller warns about it. */
export interface BootstrapOutcome {
  /** The id of SCIM_BOOTSTRAP_TOKEN's token when an operator revoked it: it stays revoked. */
  readonly revokedTokenId?: string;
  /** An administrator retired the IdP: it stays retired, and nothing was created for it. */
  readonly retired: boolean;
}

/**
 * Creates what SCIM_BOOTSTRAP_* asks for when it is missing (the IdP with SCIM enabled, the token
 * with every scope and no expiry, the custom attributes) and never undoes a disable, a revoke or a
 * retirement an operator made since.
 */
export async function ensureProvider(stores: Stores, bootstrap: BootstrapProvider): Promise<BootstrapOutcome> {
  const writer = new IdentityProviderWriter(stores, 'bootstrap');
  const tokenDigest = bootstrap.token ? digestToken(bootstrap.token) : undefined;
  const state = await writer.write(bootstrap.providerId, (s) => decideBootstrap(s, { providerId: bootstrap.providerId, tokenDigest, customAttributes: bootstrap.customAttributes }));
  return {
    revokedTokenId: tokenDigest ? revokedTokenWithDigest(state, tokenDigest) : undefined,
    retired: state.status === 'registered' && state.retired,
  };
}

/** First start without configuration: one demo IdP with an all-scope token labelled demo; its Tenant URL, token and token id are printed once (the id, so it can be revoked). */
export async function createDemoProviderIfEmpty(stores: Stores): Promise<{ providerId: string; tokenId: string; token: string } | undefined> {
  const [{ count }] = await stores.db.query<{ count: number }>('SELECT count(*)::int AS count FROM identity_providers');
  if (Number(count) > 0) return undefined;
  const providerId = randomUUID();
  const token = newTokenSecret();
  const tokenId = randomUUID();
  const writer = new IdentityProviderWriter(stores, 'first-start');
  await writer.write(providerId, (state) =>
    decideAll(state, [
      (s) => decideRegister(s, providerId, 'Demo identity provider'),
      decideEnableScim,
      (s) => decideIssueToken(s, { tokenId, digest: digestToken(token), label: 'demo' }),
    ]),
  );
  return { providerId, tokenId, token };
}
