import { Migration } from '@app/platform/database/migrations';

/** Rebuild jobs, kept in the database so every API instance answers for them and a restart leaves none running. */
export const REBUILD_JOB_MIGRATIONS: readonly Migration[] = [
  {
    // One running job per database (the rebuild schema is one); heartbeat_at is its lease.
    id: 'read-model-rebuild-001-jobs',
    sql: `
      CREATE TABLE read_model_rebuilds (
        id           uuid        PRIMARY KEY,
        state        text        NOT NULL CHECK (state IN ('running', 'done', 'failed')),
        verify       boolean     NOT NULL,
        promote      boolean     NOT NULL,
        requested_by jsonb       NOT NULL,
        started_at   timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        finished_at  timestamptz,
        progress     jsonb,
        report       json,         -- json, not jsonb: a difference's key columns keep their order
        error        text
      );
      CREATE UNIQUE INDEX read_model_rebuilds_one_running ON read_model_rebuilds (state) WHERE state = 'running';
    `,
  },
];
