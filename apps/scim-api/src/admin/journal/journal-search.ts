import { encodeCursor } from '@app/journal/journal-cursor';
import type { JournalRecord } from '@app/journal/journal-entry';
import { identifierKeys } from '@app/journal/journal-keys';
import { JournalStore } from '@app/journal/journal-store';
import type { SqlExecutor } from '@app/platform/database/sql-database';
import { emailValueCondition } from '@app/read-model/query/email-index-sql';
import type { JournalSearchParameters } from './journal-search-parameters';

export interface JournalPage {
  readonly entries: readonly JournalRecord[];
  /**
   * Present when more entries may match: pass it as ?cursor= for the next page. A status search
   * without identifiers reads a bounded stretch of the journal per page, so a page may hold fewer
   * entries than asked (even none) and still have a next one.
   */
  readonly nextCursor?: string;
}

/** Users the read model holds now with a mail: at most this many. */
const MAX_CURRENT_USERS = 100;

/**
 * Searches the journal as support asks: a mail, userName or externalId finds the requests that
 * carried it (a mail also as userName), and also those addressed to the user by id alone (a PATCH /Users/{id} carries no
 * mail): the ids the journal saw with the value, and for a mail the users the read model holds with it now.
 */
export class JournalSearch {
  private readonly journal: JournalStore;

  constructor(private readonly db: SqlExecutor) {
    this.journal = new JournalStore(db);
  }

  async search(parameters: JournalSearchParameters): Promise<JournalPage> {
    const { email, userName, externalId, userId, providerId } = parameters;
    // A mail also matches a userName equal to it: Entra's userName is usually the mail (UPN), and its lookups are by userName.
    const values = identifierKeys({ emails: list(email), userNames: [...list(userName), ...list(email)], externalIds: list(externalId) });
    const followed = values.length > 0 ? await this.journal.userIdsCarriedWith(values, providerId) : [];
    const current = email ? await this.currentUserIds(email, providerId) : [];
    const keys = [...values, ...identifierKeys({ userIds: [...list(userId), ...followed, ...current] })];
    const found = await this.journal.search({
      keys: keys.length > 0 ? keys : undefined,
      providerId,
      from: parameters.from,
      to: parameters.to,
      status: parameters.status,
      limit: parameters.limit + 1,
      after: parameters.cursor,
    });
    const entries = found.records.slice(0, parameters.limit);
    if (found.records.length > parameters.limit) return { entries, nextCursor: encodeCursor(entries[entries.length - 1]) };
    return found.scannedTo ? { entries, nextCursor: encodeCursor(found.scannedTo) } : { entries };
  }

  findByRequestId(requestId: string): Promise<JournalRecord | undefined> {
    return this.journal.findByRequestId(requestId);
  }

  /** Through the read model's email index (read-model-004), over every IdP unless one is named. */
  private async currentUserIds(email: string, providerId: string | undefined): Promise<string[]> {
    const rows = await this.db.query<{ user_id: string }>(
      `SELECT u.user_id FROM scim_users u WHERE ${emailValueCondition('$1')} AND ($2::text IS NULL OR u.provider_id = $2) LIMIT ${MAX_CURRENT_USERS}`,
      [email, providerId ?? null],
    );
    return rows.map((row) => row.user_id);
  }
}

const list = (value: string | undefined): string[] => (value === undefined ? [] : [value]);
