import type { AdminFeature } from '../admin-feature';
import { JournalController } from './journal.http.controller';
import { JournalSearch } from './journal-search';

/** The request journal's search (issue 10, items 1–2). */
export const REQUEST_JOURNAL_ADMIN: AdminFeature = {
  controllers: [JournalController],
  providers: (stores) => [{ provide: JournalSearch, useValue: new JournalSearch(stores.db) }],
};
