import type { RecordedEvent } from '@app/event-store/event-store.port';
import { IdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import type { SqlExecutor } from '@app/platform/database/sql-database';

/** The IdP directory the SCIM routes authenticate against and the admin API lists; every statement is safe to run twice. */
export async function projectIdentityProviderEvent(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const event = { type: recorded.type, data: recorded.data } as IdentityProviderEvent;
  const { providerId } = event.data;
  const occurredAt = recorded.metadata.occurredAt ?? recorded.recordedAt.toISOString();
  switch (event.type) {
    case 'IdentityProviderRegistered':
      await tx.query(
        'INSERT INTO identity_providers (provider_id, display_name, scim_enabled, registered_at) VALUES ($1, $2, false, $3) ON CONFLICT DO NOTHING',
        [providerId, event.data.displayName, occurredAt],
      );
      return;
    case 'ScimEnabled':
    case 'ScimDisabled':
      await tx.query('UPDATE identity_providers SET scim_enabled = $2 WHERE provider_id = $1', [providerId, event.type === 'ScimEnabled']);
      return;
    case 'IdentityProviderRetired':
      await tx.query('UPDATE identity_providers SET retired = true WHERE provider_id = $1', [providerId]);
      return;
    case 'ProvisioningSettingsChanged':
      await tx.query('UPDATE identity_providers SET rebaseline_matching_posts = $2 WHERE provider_id = $1', [providerId, event.data.rebaselineMatchingPosts]);
      return;
    case 'TokenIssued': {
      const { digest, tokenId, scopes, expiresAt, label, issuedAt } = event.data;
      // Absent scopes (tokens issued before scopes existed) take the column's default: every scope.
      await tx.query(
        `INSERT INTO scim_tokens (digest, provider_id, token_id, scopes, expires_at, label, issued_at)
              VALUES ($1, $2, $3, COALESCE($4::jsonb, '["users:read","users:write","users:delete"]'), $5, $6, $7)
         ON CONFLICT (digest) DO UPDATE SET revoked = false, provider_id = $2, token_id = $3, scopes = EXCLUDED.scopes,
              expires_at = $5, label = $6, issued_at = $7, replaced_by = NULL`,
        [digest, providerId, tokenId, scopes ? JSON.stringify(scopes) : null, expiresAt ?? null, label ?? null, issuedAt ?? occurredAt],
      );
      return;
    }
    case 'TokenRevoked':
      await tx.query('UPDATE scim_tokens SET revoked = true WHERE provider_id = $1 AND token_id = $2', [providerId, event.data.tokenId]);
      return;
    case 'TokenRotated':
      // LEAST ignores NULL: a token without expiry ends with the overlap, one expiring sooner keeps its expiry.
      await tx.query('UPDATE scim_tokens SET replaced_by = $3, expires_at = LEAST(expires_at, $4) WHERE provider_id = $1 AND token_id = $2', [
        providerId,
        event.data.tokenId,
        event.data.replacedBy,
        event.data.expiresAt,
      ]);
      return;
    case 'CustomAttributeRegistered':
      await tx.query(
        `INSERT INTO idp_custom_attributes (provider_id, name, type, retired, registered_at) VALUES ($1, $2, $3, false, $4)
         ON CONFLICT (provider_id, lower(name)) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type, retired = false, registered_at = EXCLUDED.registered_at`,
        [providerId, event.data.attribute, event.data.type ?? 'string', occurredAt],
      );
      return;
    case 'CustomAttributeRetired':
      await tx.query('UPDATE idp_custom_attributes SET retired = true WHERE provider_id = $1 AND lower(name) = lower($2)', [providerId, event.data.attribute]);
      return;
  }
}

/** Removes the IdP's rows, tokens and attributes, so its stream can be applied again from the first event (re-projection). */
export async function forgetIdentityProvider(tx: SqlExecutor, providerId: string): Promise<void> {
  await tx.query('DELETE FROM scim_tokens WHERE provider_id = $1', [providerId]);
  await tx.query('DELETE FROM idp_custom_attributes WHERE provider_id = $1', [providerId]);
  await tx.query('DELETE FROM identity_providers WHERE provider_id = $1', [providerId]);
}
