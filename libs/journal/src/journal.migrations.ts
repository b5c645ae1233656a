import type { Migration } from '@app/platform/database/migrations';

/**
 * The request journal: one row per SCIM request, apart from the event log and the read model.
 * Rows are ordered by (at, seq); seq breaks ties and is no key (no index to keep up on insert).
 * Three indexes only, since every request writes a row: time (pruning, time windows), IdP and time,
 * and one GIN over the kind-prefixed identifiers (`mail:`, `name:`, `ext:`, `user:`, `req:`) that
 * answers every lookup. They are a jsonb array rather than text[]: the planner estimates `?|` on jsonb
 * from the column's statistics (a value matches a handful of rows), while `&&` on text[] is guessed at
 * 0.5 % per value, which walked the time index through the whole table for `ORDER BY at LIMIT n`.
 * No pending list (fastupdate): PGlite has no autovacuum, so an insert would merge megabytes of it at
 * once on the database thread SCIM writes share.
 */
export const JOURNAL_MIGRATIONS: readonly Migration[] = [
  {
    id: 'journal-001-request-journal',
    sql: `
      CREATE TABLE request_journal (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL,
        request_id text NOT NULL,
        provider_id text,
        token_id text,
        client_address text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        status smallint NOT NULL,
        scim_type text,
        detail text,
        duration_ms integer NOT NULL,
        identifiers jsonb NOT NULL,
        body text,
        body_truncated boolean NOT NULL
      );
      CREATE INDEX request_journal_at ON request_journal (at);
      CREATE INDEX request_journal_provider_at ON request_journal (provider_id, at);
      CREATE INDEX request_journal_identifiers ON request_journal USING gin (identifiers) WITH (fastupdate = off);
    `,
  },
];
