import { Migration } from '@app/platform/database/migrations';

/** The read model: one row per live SCIM user, the IdP directory, the projector's checkpoint and its quarantine. */
export const READ_MODEL_MIGRATIONS: readonly Migration[] = [
  {
    id: 'read-model-001-users',
    sql: `
      CREATE TABLE scim_users (
        provider_id      text        NOT NULL,
        user_id          text        NOT NULL,
        user_name        text        NOT NULL,
        external_id      text,
        attributes       jsonb       NOT NULL,
        version          bigint      NOT NULL,
        created_at       timestamptz NOT NULL,
        last_modified_at timestamptz NOT NULL,
        PRIMARY KEY (provider_id, user_id)
      );
      CREATE INDEX scim_users_user_name ON scim_users (provider_id, lower(attributes->>'userName'));
      CREATE INDEX scim_users_external_id ON scim_users (provider_id, (attributes->>'externalId'));
      CREATE INDEX scim_users_emails ON scim_users USING gin ((attributes->'emails') jsonb_path_ops);
    `,
  },
  {
    id: 'read-model-002-identity-providers',
    sql: `
      CREATE TABLE identity_providers (
        provider_id       text    PRIMARY KEY,
        display_name      text    NOT NULL,
        scim_enabled      boolean NOT NULL,
        custom_attributes jsonb   NOT NULL DEFAULT '[]'
      );
      CREATE TABLE scim_tokens (
        digest      text    PRIMARY KEY,
        provider_id text    NOT NULL,
        token_id    text    NOT NULL,
        revoked     boolean NOT NULL DEFAULT false
      );
      CREATE TABLE projection_checkpoints (name text PRIMARY KEY, position bigint NOT NULL);
    `,
  },
  {
    // An event that cannot be projected, and the later events of its stream held behind it. No user
    // values and no error message (it may quote them): the SQLSTATE says what went wrong.
    id: 'read-model-003-projection-failures',
    sql: `
      CREATE TABLE projection_failures (
        position    bigint      PRIMARY KEY,
        stream_id   text        NOT NULL,
        event_type  text        NOT NULL,
        held_behind bigint,       -- NULL: this event failed, else the position of the failure it waits behind
        error_class text,
        error_code  text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX projection_failures_stream ON projection_failures (stream_id, position);
    `,
  },
  {
    // Entra's work-email match (emails[type eq "work"].value eq, case-insensitive) reads the lower-cased
    // values through a GIN index; the jsonb_path_ops index above could only answer case-sensitive @>,
    // which no query sends, so it only cost writes. No pending list (fastupdate): a lookup must not scan
    // the recent inserts one by one. The provider's tokens are read with the provider.
    id: 'read-model-004-read-indexes',
    sql: `
      CREATE FUNCTION scim_email_values(attributes jsonb) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$
          SELECT COALESCE(array_agg(lower(e.v->>'value')), '{}')
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(attributes->'emails') = 'array' THEN attributes->'emails' ELSE '[]'::jsonb END) AS e(v)
           WHERE jsonb_typeof(e.v) = 'object' AND e.v->>'value' IS NOT NULL
        $$;
      CREATE INDEX scim_users_email_values ON scim_users USING gin (scim_email_values(attributes)) WITH (fastupdate = off);
      DROP INDEX scim_users_emails;
      CREATE INDEX scim_tokens_provider ON scim_tokens (provider_id);
    `,
  },
];
