import type { RecordedEvent } from '@app/event-store/event-store.port';
import { IdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import type { SqlExecutor } from '@app/platform/database/sql-database';

/** The IdP directory the SCIM routes authenticate against; every statement is safe to run twice. */
export async function projectIdentityProviderEvent(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const event = { type: recorded.type, data: recorded.data } as IdentityProviderEvent;
  const { providerId } = event.data;
  switch (event.type) {
    case 'IdentityProviderRegistered':
      await tx.query(
        'INSERT INTO identity_providers (provider_id, display_name, scim_enabled) VALUES ($1, $2, false) ON CONFLICT DO NOTHING',
        [providerId, event.data.displayName],
      );
      return;
    case 'ScimEnabled':
    case 'ScimDisabled':
      await tx.query('UPDATE identity_providers SET scim_enabled = $2 WHERE provider_id = $1', [providerId, event.type === 'ScimEnabled']);
      return;
    case 'TokenIssued':
      await tx.query(
        'INSERT INTO scim_tokens (digest, provider_id, token_id) VALUES ($1, $2, $3) ON CONFLICT (digest) DO UPDATE SET revoked = false, provider_id = $2, token_id = $3',
        [event.data.digest, providerId, event.data.tokenId],
      );
      return;
    case 'TokenRevoked':
      await tx.query('UPDATE scim_tokens SET revoked = true WHERE provider_id = $1 AND token_id = $2', [providerId, event.data.tokenId]);
      return;
    case 'CustomAttributeRegistered':
      await tx.query(
        `UPDATE identity_providers SET custom_attributes = custom_attributes || jsonb_build_array($2::text)
         WHERE provider_id = $1 AND NOT custom_attributes ? $2`,
        [providerId, event.data.attribute],
      );
      return;
  }
}

/** Removes the IdP's rows and tokens, so its stream can be applied again from the first event (re-projection). */
export async function forgetIdentityProvider(tx: SqlExecutor, providerId: string): Promise<void> {
  await tx.query('DELETE FROM scim_tokens WHERE provider_id = $1', [providerId]);
  await tx.query('DELETE FROM identity_providers WHERE provider_id = $1', [providerId]);
}
