import { Migration } from '@app/platform/database/migrations';

/** Read-model tables and columns for the administrators' tokens (issue 9). */
export const ADMINISTRATOR_MIGRATIONS: readonly Migration[] = [
  {
    // Admin tokens issued on the administrators stream (ADMIN_TOKEN from the environment is never here); looked up by digest.
    id: 'administrator-001-admin-tokens',
    sql: `
      CREATE TABLE admin_tokens (
        token_id  text        PRIMARY KEY,
        digest    text        NOT NULL UNIQUE,
        label     text        NOT NULL,
        issued_at timestamptz NOT NULL,
        revoked   boolean     NOT NULL DEFAULT false
      );
    `,
  },
];
