import type { JournalRecord } from '@app/journal/journal-entry';

/** An entry as the admin API answers it: the body as JSON when kept whole, else the text kept. */
export function journalEntryView(record: JournalRecord) {
  const { seq: _seq, at, body, ...rest } = record;
  return {
    ...rest,
    at: at.toISOString(),
    body: body === null || record.bodyTruncated ? body : (JSON.parse(body) as unknown),
  };
}
