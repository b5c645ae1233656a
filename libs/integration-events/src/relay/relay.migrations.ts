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
  {
    id: 'integration-events-002-relay-dead-letters',
    sql: `CREATE TABLE relay_dead_letters (
            relay        text        NOT NULL,
            log_position bigint      NOT NULL,
            event_id     text        NOT NULL,
            event_type   text        NOT NULL,
            message_key  text        NOT NULL,
            reason       text        NOT NULL,
            bytes        integer     NOT NULL,
            recorded_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (relay, log_position)
          )`,
  },
];
