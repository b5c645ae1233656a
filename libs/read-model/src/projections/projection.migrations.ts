import { Migration } from '@app/platform/database/migrations';

/**
 * The projections' own bookkeeping in the read model (beside the read model's tables): how far each
 * stream's rows are built. A rebuild that clears the read model clears this with it.
 */
export const PROJECTION_MIGRATIONS: readonly Migration[] = [
  {
    id: 'projections-001',
    // No backfill: a stream without a row is projected from the checkpoint as before (rows are idempotent to
    // re-apply up to it); its first inline write rebuilds nothing, it applies only what the row misses.
    sql: 'CREATE TABLE projected_streams (stream_id text PRIMARY KEY, revision bigint NOT NULL)',
  },
];
