import { Migration } from '@app/platform/database/migrations';

export const EVENT_LOG_MIGRATIONS: readonly Migration[] = [
  {
    id: 'event-log-001',
    sql: `
      CREATE TABLE event_log_head (id int PRIMARY KEY CHECK (id = 1), position bigint NOT NULL);
      INSERT INTO event_log_head VALUES (1, 0);
      CREATE TABLE event_streams (stream_id text PRIMARY KEY, revision bigint NOT NULL);
      CREATE TABLE events (
        position    bigint      PRIMARY KEY,
        stream_id   text        NOT NULL,
        revision    bigint      NOT NULL,
        event_id    uuid        NOT NULL UNIQUE,
        type        text        NOT NULL,
        data        jsonb       NOT NULL,
        metadata    jsonb       NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (stream_id, revision)
      );
    `,
  },
];
