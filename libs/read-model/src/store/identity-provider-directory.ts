import { StreamIds } from '@app/identity/shared/stream-ids';
import type { SqlDatabase } from '@app/platform/database/sql-database';

export interface ProviderRecord {
  readonly providerId: string;
  readonly displayName: string;
  readonly scimEnabled: boolean;
  readonly customAttributes: readonly string[];
  /** Its stream has an event that failed to project: a later revoke or disable may be missing here. */
  readonly quarantined: boolean;
}

export interface TokenRecord {
  readonly digest: string;
  readonly providerId: string;
  readonly tokenId: string;
  readonly revoked: boolean;
}

/** The IdPs and their token digests as projected from the idp-* streams. */
export class IdentityProviderDirectory {
  constructor(private readonly db: SqlDatabase) {}

  async findProvider(providerId: string): Promise<ProviderRecord | undefined> {
    const [row] = await this.db.query<{ provider_id: string; display_name: string; scim_enabled: boolean; custom_attributes: string[]; quarantined: boolean }>(
      `SELECT provider_id, display_name, scim_enabled, custom_attributes,
              EXISTS (SELECT 1 FROM projection_failures WHERE stream_id = $2) AS quarantined
         FROM identity_providers WHERE provider_id = $1`,
      [providerId, StreamIds.identityProvider(providerId)],
    );
    return row && {
      providerId: row.provider_id,
      displayName: row.display_name,
      scimEnabled: row.scim_enabled,
      customAttributes: row.custom_attributes,
      quarantined: row.quarantined,
    };
  }

  /** Looks a token up by its digest directly: no scan, no per-request slow hash. */
  async findToken(digest: string): Promise<TokenRecord | undefined> {
    const [row] = await this.db.query<{ digest: string; provider_id: string; token_id: string; revoked: boolean }>(
      'SELECT digest, provider_id, token_id, revoked FROM scim_tokens WHERE digest = $1',
      [digest],
    );
    return row && { digest: row.digest, providerId: row.provider_id, tokenId: row.token_id, revoked: row.revoked };
  }
}
