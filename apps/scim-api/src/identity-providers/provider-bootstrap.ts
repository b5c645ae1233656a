import {
  decideAll,
  decideEnableScim,
  decideIssueToken,
  decideRegister,
  decideRegisterCustomAttribute,
} from '@app/identity/identity-provider/identity-provider.decide';
import { IdentityProviderState } from '@app/identity/identity-provider/identity-provider.state';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import type { BootstrapProvider } from '@app/platform/config/app-config';
import type { Stores } from '@app/read-model/open-stores';
import { randomBytes, randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from './identity-provider-writer';

/** A new secret: 32 random bytes, so one SHA-256 of it is a safe thing to store and look up. */
export function newTokenSecret(): string {
  return `scim_${randomBytes(32).toString('base64url')}`;
}

/** Makes sure the configured IdP exists, has SCIM enabled, accepts the token, and knows the custom attributes. */
export async function ensureProvider(stores: Stores, bootstrap: BootstrapProvider): Promise<void> {
  const writer = new IdentityProviderWriter(stores.events, stores.projector, 'bootstrap');
  const { providerId, token, customAttributes } = bootstrap;
  await writer.write(providerId, (state) =>
    decideAll(state, [
      (s) => (s.status === 'absent' ? decideRegister(s, providerId, providerId) : []),
      decideEnableScim,
      (s) => (token ? decideIssueToken(s, `bootstrap-${digestToken(token).slice(0, 12)}`, digestToken(token)) : []),
      ...customAttributes.map((name) => (s: IdentityProviderState) => decideRegisterCustomAttribute(s, name)),
    ]),
  );
}

/** First start without configuration: one demo IdP, whose Tenant URL and token are printed once. */
export async function createDemoProviderIfEmpty(stores: Stores): Promise<{ providerId: string; token: string } | undefined> {
  const [{ count }] = await stores.db.query<{ count: number }>('SELECT count(*)::int AS count FROM identity_providers');
  if (Number(count) > 0) return undefined;
  const providerId = randomUUID();
  const token = newTokenSecret();
  const writer = new IdentityProviderWriter(stores.events, stores.projector, 'first-start');
  await writer.write(providerId, (state) =>
    decideAll(state, [
      (s) => decideRegister(s, providerId, 'Demo identity provider'),
      decideEnableScim,
      (s) => decideIssueToken(s, randomUUID(), digestToken(token)),
    ]),
  );
  return { providerId, token };
}
