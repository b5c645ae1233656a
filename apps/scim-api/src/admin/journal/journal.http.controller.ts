import { AdminAnswer, adminRef } from '../../openapi/admin-shapes';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { AdminRequestError } from '../http/admin-errors';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';
import { parseJournalSearch } from './journal-search-parameters';
import { JournalSearch } from './journal-search';
import { journalEntryView } from './journal-views';

const MAX_REQUEST_ID_CHARS = 128;

/** The request journal, for support: what each SCIM request carried and what it got. */
@Controller(`${ADMIN_ROUTE_PREFIX}/journal`)
export class JournalController {
  constructor(@Inject(JournalSearch) private readonly journal: JournalSearch) {}

  /** ?email= ?userName= ?externalId= ?userId= (any of them) ?providerId= ?from= ?to= ?status= ?limit= ?cursor=, oldest first. */
  @AdminAnswer(200, 'The SCIM requests that match, oldest first', adminRef('JournalPage'))
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
