import type { AdminFeature } from '../admin-feature';

/** Rebuild and verify the read model from the log (issue 10, item 5). */
export const READ_MODEL_REBUILD_ADMIN: AdminFeature = {
  controllers: [],
  providers: () => [],
};
