import { Migration } from '@app/platform/database/migrations';

/** The read model: one row per live SCIM user, the IdP directory, and the projector's checkpoint. */
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
];
