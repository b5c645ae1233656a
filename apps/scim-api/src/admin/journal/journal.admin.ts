import type { AdminFeature } from '../admin-feature';

/** The request journal's search (issue 10, items 1–2). */
export const REQUEST_JOURNAL_ADMIN: AdminFeature = {
  controllers: [],
  providers: () => [],
};
