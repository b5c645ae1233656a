import { Migration } from '@app/platform/database/migrations';

/** Read-model tables and columns for tokens with scopes, expiry and labels; retired IdPs and attributes; IdP settings (issue 9). */
export const IDENTITY_PROVIDER_ADMIN_MIGRATIONS: readonly Migration[] = [
  {
    // Additive: rows projected before keep working (tokens with every scope and no expiry, string
    // attributes, IdPs in force). identity_providers.custom_attributes is no longer written: an API of
    // the previous version beside this one during an upgrade still reads it.
    // Times of issue and registration come from the event log where it shares this database.
    id: 'idp-admin-001-token-scopes-expiry-retirement',
    sql: `
      ALTER TABLE scim_tokens
        ADD COLUMN scopes      jsonb       NOT NULL DEFAULT '["users:read","users:write","users:delete"]',
        ADD COLUMN expires_at  timestamptz,
        ADD COLUMN label       text,
        ADD COLUMN issued_at   timestamptz,
        ADD COLUMN replaced_by text;
      ALTER TABLE identity_providers
        ADD COLUMN retired                   boolean     NOT NULL DEFAULT false,
        ADD COLUMN registered_at             timestamptz,
        ADD COLUMN rebaseline_matching_posts boolean     NOT NULL DEFAULT false;
      CREATE TABLE idp_custom_attributes (
        provider_id   text        NOT NULL,
        name          text        NOT NULL,
        type          text        NOT NULL,
        retired       boolean     NOT NULL DEFAULT false,
        registered_at timestamptz
      );
      -- Names are case-insensitive (RFC 7643 §2.1): one row per name, the latest registration's spelling.
      CREATE UNIQUE INDEX idp_custom_attributes_name ON idp_custom_attributes (provider_id, lower(name));
      INSERT INTO idp_custom_attributes (provider_id, name, type)
        SELECT p.provider_id, a.name, 'string' FROM identity_providers p, jsonb_array_elements_text(p.custom_attributes) AS a(name)
        ON CONFLICT DO NOTHING;
      DO $$
      BEGIN
        IF to_regclass('events') IS NOT NULL THEN
          UPDATE identity_providers p SET registered_at = (
            SELECT min(e.recorded_at) FROM events e WHERE e.stream_id = 'idp-' || p.provider_id AND e.type = 'IdentityProviderRegistered');
          UPDATE scim_tokens t SET issued_at = (
            SELECT max(e.recorded_at) FROM events e
             WHERE e.stream_id = 'idp-' || t.provider_id AND e.type = 'TokenIssued' AND e.data->>'tokenId' = t.token_id);
          UPDATE idp_custom_attributes a SET registered_at = (
            SELECT max(e.recorded_at) FROM events e
             WHERE e.stream_id = 'idp-' || a.provider_id AND e.type = 'CustomAttributeRegistered' AND lower(e.data->>'attribute') = lower(a.name));
        END IF;
      END $$;
    `,
  },
];
