import type { TokenScope } from '@app/identity/identity-provider/token-scopes';
import { StreamIds } from '@app/identity/shared/stream-ids';
import type { CustomAttribute, CustomAttributeType } from '@app/scim/schema/custom-attribute';
import type { SqlDatabase } from '@app/platform/database/sql-database';

/** What a SCIM request needs to know of a token it presents. */
export interface TokenGrant {
  readonly tokenId: string;
  readonly scopes: readonly TokenScope[];
  /** ISO; checked against the clock on every request, since the record may be cached. */
  readonly expiresAt?: string;
}

export interface ProviderRecord {
  readonly providerId: string;
  readonly displayName: string;
  readonly scimEnabled: boolean;
  /** The attributes in force, in registration order. */
  readonly customAttributes: readonly CustomAttribute[];
  /** Re-baseline an existing user on a POST with its userName and externalId (see ScimRequestContext). */
  readonly rebaselineMatchingPosts: boolean;
  /** Its stream has an event that failed to project: a later revoke or disable may be missing here. */
  readonly quarantined: boolean;
  /** Its tokens that are not revoked (expired ones included): SHA-256 digest (hex) → the grant. */
  readonly tokens: ReadonlyMap<string, TokenGrant>;
}

export interface ProviderSummary {
  readonly providerId: string;
  readonly displayName: string;
  readonly scimEnabled: boolean;
  readonly retired: boolean;
  readonly rebaselineMatchingPosts: boolean;
  readonly registeredAt: string;
}

/** A token as the admin API lists it: never its digest. */
export interface TokenSummary {
  readonly tokenId: string;
  readonly label?: string;
  readonly scopes: TokenScope[];
  readonly issuedAt: string;
  readonly expiresAt?: string;
  readonly revoked: boolean;
  readonly replacedBy?: string;
}

export interface AttributeSummary {
  readonly name: string;
  readonly type: CustomAttributeType;
  readonly retired: boolean;
  readonly registeredAt: string;
}

export type ProviderDetails = ProviderSummary & { readonly tokens: TokenSummary[]; readonly customAttributes: AttributeSummary[] };

type ChangeListener = (providerId: string) => void;

interface ProviderRow {
  provider_id: string;
  display_name: string;
  scim_enabled: boolean;
  retired: boolean;
  rebaseline_matching_posts: boolean;
  registered_at: Date | string | null;
}

const PROVIDER_COLUMNS = 'provider_id, display_name, scim_enabled, retired, rebaseline_matching_posts, registered_at';

/**
 * The IdPs, their tokens and attributes as projected from the idp-* streams, and the in-process
 * signal that one of them changed, so that whatever caches them here can drop it at once.
 */
export class IdentityProviderDirectory {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly db: SqlDatabase) {}

  /** An IdP in force with its live tokens and attributes, in one query (a token is only ever checked against its own IdP); a retired one is unknown. */
  async findProvider(providerId: string): Promise<ProviderRecord | undefined> {
    const [row] = await this.db.query<{
      provider_id: string;
      display_name: string;
      scim_enabled: boolean;
      rebaseline_matching_posts: boolean;
      custom_attributes: CustomAttribute[];
      quarantined: boolean;
      tokens: Record<string, { tokenId: string; scopes: TokenScope[]; expiresAt: string | null }>;
    }>(
      `SELECT provider_id, display_name, scim_enabled, rebaseline_matching_posts,
              EXISTS (SELECT 1 FROM projection_failures WHERE stream_id = $2) AS quarantined,
              (SELECT COALESCE(jsonb_agg(jsonb_build_object('name', a.name, 'type', a.type) ORDER BY a.registered_at NULLS FIRST, a.name), '[]')
                 FROM idp_custom_attributes a WHERE a.provider_id = $1 AND NOT a.retired) AS custom_attributes,
              (SELECT COALESCE(jsonb_object_agg(t.digest, jsonb_build_object('tokenId', t.token_id, 'scopes', t.scopes, 'expiresAt', t.expires_at)), '{}')
                 FROM scim_tokens t WHERE t.provider_id = $1 AND NOT t.revoked) AS tokens
         FROM identity_providers WHERE provider_id = $1 AND NOT retired`,
      [providerId, StreamIds.identityProvider(providerId)],
    );
    return row && {
      providerId: row.provider_id,
      displayName: row.display_name,
      scimEnabled: row.scim_enabled,
      customAttributes: row.custom_attributes,
      rebaselineMatchingPosts: row.rebaseline_matching_posts,
      quarantined: row.quarantined,
      tokens: new Map(
        Object.entries(row.tokens).map(([digest, { tokenId, scopes, expiresAt }]) => [digest, { tokenId, scopes, ...(expiresAt ? { expiresAt: iso(expiresAt) } : {}) }]),
      ),
    };
  }

  /** Every IdP id in force: one short row each, so a miss for an unknown or retired id needs no query of its own. */
  async listProviderIds(): Promise<ReadonlySet<string>> {
    const rows = await this.db.query<{ provider_id: string }>('SELECT provider_id FROM identity_providers WHERE NOT retired');
    return new Set(rows.map((r) => r.provider_id));
  }

  /** Every IdP, retired ones included, oldest first. */
  async listProviders(): Promise<ProviderSummary[]> {
    const rows = await this.db.query<ProviderRow>(`SELECT ${PROVIDER_COLUMNS} FROM identity_providers ORDER BY registered_at NULLS FIRST, provider_id`);
    return rows.map(summary);
  }

  /** The IdP with every token (never a digest) and every attribute, retired ones included; undefined when never registered. */
  async describeProvider(providerId: string): Promise<ProviderDetails | undefined> {
    const [row] = await this.db.query<ProviderRow & { tokens: TokenRow[]; custom_attributes: AttributeRow[] }>(
      `SELECT ${PROVIDER_COLUMNS},
              (SELECT COALESCE(jsonb_agg(jsonb_build_object('tokenId', t.token_id, 'label', t.label, 'scopes', t.scopes, 'issuedAt', t.issued_at,
                        'expiresAt', t.expires_at, 'revoked', t.revoked, 'replacedBy', t.replaced_by) ORDER BY t.issued_at NULLS FIRST, t.token_id), '[]')
                 FROM scim_tokens t WHERE t.provider_id = $1) AS tokens,
              (SELECT COALESCE(jsonb_agg(jsonb_build_object('name', a.name, 'type', a.type, 'retired', a.retired, 'registeredAt', a.registered_at)
                        ORDER BY a.registered_at NULLS FIRST, a.name), '[]')
                 FROM idp_custom_attributes a WHERE a.provider_id = $1) AS custom_attributes
         FROM identity_providers WHERE provider_id = $1`,
      [providerId],
    );
    return row && { ...summary(row), tokens: row.tokens.map(tokenSummary), customAttributes: row.custom_attributes.map(attributeSummary) };
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

interface TokenRow {
  tokenId: string;
  label: string | null;
  scopes: TokenScope[];
  issuedAt: string | null;
  expiresAt: string | null;
  revoked: boolean;
  replacedBy: string | null;
}

interface AttributeRow {
  name: string;
  type: CustomAttributeType;
  retired: boolean;
  registeredAt: string | null;
}

/**
 * Rows projected before issue 9 on a store whose event log is not in this database (EventStoreDB)
 * have no recorded time: they show the Unix epoch.
 */
const UNKNOWN_TIME = new Date(0).toISOString();

function iso(time: Date | string | null): string {
  return time === null ? UNKNOWN_TIME : new Date(time).toISOString();
}

function summary(row: ProviderRow): ProviderSummary {
  return {
    providerId: row.provider_id,
    displayName: row.display_name,
    scimEnabled: row.scim_enabled,
    retired: row.retired,
    rebaselineMatchingPosts: row.rebaseline_matching_posts,
    registeredAt: iso(row.registered_at),
  };
}

function tokenSummary(row: TokenRow): TokenSummary {
  return {
    tokenId: row.tokenId,
    ...(row.label !== null ? { label: row.label } : {}),
    scopes: row.scopes,
    issuedAt: iso(row.issuedAt),
    ...(row.expiresAt !== null ? { expiresAt: iso(row.expiresAt) } : {}),
    revoked: row.revoked,
    ...(row.replacedBy !== null ? { replacedBy: row.replacedBy } : {}),
  };
}

function attributeSummary(row: AttributeRow): AttributeSummary {
  return { name: row.name, type: row.type, retired: row.retired, registeredAt: iso(row.registeredAt) };
}
