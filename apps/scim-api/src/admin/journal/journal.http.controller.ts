import { AdminAnswer, AdminQuery, adminRef, INSTANT } from '../../openapi/admin-shapes';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { AdminRequestError } from '../http/admin-errors';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_VALUE_CHARS, parseJournalSearch } from './journal-search-parameters';
import { JournalSearch } from './journal-search';
import { journalEntryView } from './journal-views';

const MAX_REQUEST_ID_CHARS = 128;

const text = (description: string) => ({ description, schema: { type: 'string', minLength: 1, maxLength: MAX_VALUE_CHARS } });
const JOURNAL_SEARCH_QUERY = {
  email: text('Requests about the user with this email'),
  userName: text('Requests about the user with this userName'),
  externalId: text('Requests about the user with this externalId'),
  userId: text('Requests about this user id'),
  providerId: text('Requests to this IdP'),
  from: { description: 'Requests received at or after this time', schema: INSTANT },
  to: { description: 'Requests received at or before this time', schema: INSTANT },
  status: { description: 'A status class (2xx, 4xx, 5xx) or code (409)', schema: { type: 'string', pattern: '^[1-5]([xX]{2}|[0-9]{2})$' } },
  limit: { description: 'Entries per page', schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
  cursor: { description: "The previous page's nextCursor", schema: { type: 'string' } },
};

/** The request journal, for support: what each SCIM request carried and what it got. */
@Controller(`${ADMIN_ROUTE_PREFIX}/journal`)
export class JournalController {
  constructor(@Inject(JournalSearch) private readonly journal: JournalSearch) {}

  /** ?email= ?userName= ?externalId= ?userId= (any of them) ?providerId= ?from= ?to= ?status= ?limit= ?cursor=, oldest first. */
  @AdminAnswer(200, 'The SCIM requests that match, oldest first', adminRef('JournalPage'))
  @AdminQuery(JOURNAL_SEARCH_QUERY)
  @Get()
  async search(@Query() query: Record<string, unknown>) {
    const page = await this.journal.search(parseJournalSearch(query));
    return { entries: page.entries.map(journalEntryView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /** One entry in full, by the request id its answer carried (X-Request-Id). */
  @AdminAnswer(200, 'One SCIM request in full', adminRef('JournalEntry'))
  @Get(':requestId')
  async show(@Param('requestId') requestId: string) {
    const record = requestId.length <= MAX_REQUEST_ID_CHARS ? await this.journal.findByRequestId(requestId) : undefined;
    if (!record) throw AdminRequestError.notFound(`No journal entry for request ${JSON.stringify(requestId.slice(0, 64))}`);
    return journalEntryView(record);
  }
}
