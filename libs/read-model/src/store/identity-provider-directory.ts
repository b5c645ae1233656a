import { StreamIds } from '@app/identity/shared/stream-ids';
import type { CustomAttribute } from '@app/scim/schema/custom-attribute';
import type { SqlDatabase } from '@app/platform/database/sql-database';

export interface ProviderRecord {
  readonly providerId: string;
  readonly displayName: string;
  readonly scimEnabled: boolean;
  readonly customAttributes: readonly (string | CustomAttribute)[];
  /** Re-baseline an existing user on a POST with its userName and externalId (see ScimRequestContext). */
  readonly rebaselineMatchingPosts?: boolean;
  /** Its stream has an event that failed to project: a later revoke or disable may be missing here. */
  readonly quarantined: boolean;
  /** Its tokens that are not revoked: SHA-256 digest (hex) → token id. */
  readonly tokens: ReadonlyMap<string, string>;
}

type ChangeListener = (providerId: string) => void;

/**
 * The IdPs and their token digests as projected from the idp-* streams, and the in-process signal
 * that one of them changed, so that whatever caches them here can drop it at once.
 */
export class IdentityProviderDirectory {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly db: SqlDatabase) {}

  /** The IdP with its live tokens, in one query (a token is only ever checked against its own IdP). */
  async findProvider(providerId: string): Promise<ProviderRecord | undefined> {
    const [row] = await this.db.query<{
      provider_id: string;
      display_name: string;
      scim_enabled: boolean;
      custom_attributes: string[];
      quarantined: boolean;
      tokens: Record<string, string>;
    }>(
      `SELECT provider_id, display_name, scim_enabled, custom_attributes,
              EXISTS (SELECT 1 FROM projection_failures WHERE stream_id = $2) AS quarantined,
              (SELECT COALESCE(jsonb_object_agg(t.digest, t.token_id), '{}') FROM scim_tokens t
                WHERE t.provider_id = $1 AND NOT t.revoked) AS tokens
         FROM identity_providers WHERE provider_id = $1`,
      [providerId, StreamIds.identityProvider(providerId)],
    );
    return row && {
      providerId: row.provider_id,
      displayName: row.display_name,
      scimEnabled: row.scim_enabled,
      customAttributes: row.custom_attributes,
      quarantined: row.quarantined,
      tokens: new Map(Object.entries(row.tokens)),
    };
  }

  /** Every registered IdP id: one short row each, so a miss for an unknown id needs no query of its own. */
  async listProviderIds(): Promise<ReadonlySet<string>> {
    const rows = await this.db.query<{ provider_id: string }>('SELECT provider_id FROM identity_providers');
    return new Set(rows.map((r) => r.provider_id));
  }

  /**
   * Call once an IdP's change is in the read model (after its events are appended and projected in
   * this process): every listener drops what it holds about that IdP, so a revoke or disable made
   * here is effective here at once.
   */
  changed(providerId: string): void {
    for (const listener of this.listeners) listener(providerId);
  }

  /** Subscribes to `changed`; returns the unsubscribe. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
