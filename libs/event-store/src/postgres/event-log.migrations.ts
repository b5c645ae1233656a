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
  {
    id: 'event-log-002',
    // Uniqueness claims for the SQL write path (one transaction per write). Backfilled from the reservation
    // streams' last events: a value reserved there is claimed here by the same user, at the same time, and the
    // stale-claim rules judge it as they did (a claim whose holder was deleted or renamed away is taken over).
    sql: `
      CREATE TABLE unique_claims (
        claim_key  text        PRIMARY KEY,
        holder     text        NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO unique_claims (claim_key, holder, claimed_at)
      SELECT e.stream_id, e.data->>'userId', e.recorded_at
      FROM events e JOIN event_streams s ON s.stream_id = e.stream_id AND s.revision = e.revision
      WHERE e.type = 'UniqueValueReserved';
    `,
  },
  {
    id: 'event-log-003',
    // Appends no longer take the log-head row: positions come from the appending transaction's id (see the adapter).
    // New positions must lie past every old one: refuse the upgrade otherwise rather than reorder the log.
    // A process of an older version appending beside this one fails on the missing table, loudly.
    sql: `
      DO $$
      BEGIN
        IF (SELECT coalesce(max(position), 0) FROM events) >= pg_current_xact_id()::text::bigint * 65536 THEN
          RAISE EXCEPTION 'event-log-003: log positions already reach past transaction-id positions';
        END IF;
      END $$;
      DROP TABLE event_log_head;
    `,
  },
  {
    id: 'event-log-004',
    // A write made as one statement (see the adapter's appendInOneStatement) calls this
    // when what it found is not what it expected, so the statement fails and nothing of it stays.
    sql: `
      CREATE FUNCTION event_log_write_unsettled() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RAISE EXCEPTION 'the write is not as its one-statement form expects' USING ERRCODE = 'SCW01';
      END $$;
    `,
  },
];
