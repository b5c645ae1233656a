import type { AdminFeature } from '../admin-feature';

/** The hash-chained export of the log (issue 10, item 6). */
export const EVENT_LOG_EXPORT_ADMIN: AdminFeature = {
  controllers: [],
  providers: () => [],
};
