import { Migration } from '@app/platform/database/migrations';

export const RELAY_MIGRATIONS: readonly Migration[] = [
  {
    id: 'integration-events-001-relay-checkpoints',
    sql: `CREATE TABLE relay_checkpoints (
            name        text        PRIMARY KEY,
            position    bigint      NOT NULL,
            owner       text,
            lease_until timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz NOT NULL DEFAULT now()
          )`,
  },
];
