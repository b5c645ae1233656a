import { CANONICALIZATION, EventRecord, EXPORT_FORMAT, EXPORT_FORMAT_VERSION, ExportScope, GENESIS, HASH_ALGORITHM, LoggedEvent } from './export-records';
import { link, toLine } from './hash-chain';

/** Where an export starts: its scope, when it began, and the log position it runs to. */
export interface ExportStart {
  readonly scope: ExportScope;
  readonly exportedAt: Date;
  readonly throughPosition: number;
}

/** What an export ended with: its event count and its head (the trailer's hash). */
export interface ExportEnd {
  readonly count: number;
  readonly head: string;
}

/**
 * The export as NDJSON text, one chunk per batch as the batches arrive (so nothing but one batch is
 * held): the header, every event in the order given, the trailer. Pulled by its reader, it reads
 * the next batch only when asked; `return()` stops it.
 */
export async function* exportChunks(start: ExportStart, batches: AsyncIterable<readonly LoggedEvent[]>): AsyncGenerator<string, ExportEnd> {
  const header = link(
    {
      kind: 'header' as const,
      format: EXPORT_FORMAT,
      version: EXPORT_FORMAT_VERSION,
      scope: start.scope,
      exportedAt: start.exportedAt.toISOString(),
      throughPosition: start.throughPosition,
      hashAlgorithm: HASH_ALGORITHM,
      canonicalization: CANONICALIZATION,
    },
    GENESIS,
  );
  yield toLine(header);
  let [prev, count] = [header.hash, 0];
  for await (const batch of batches) {
    let chunk = '';
    for (const event of batch) {
      const record = link(eventRecord(event), prev);
      [prev, count] = [record.hash, count + 1];
      chunk += toLine(record);
    }
    if (chunk !== '') yield chunk;
  }
  const trailer = link({ kind: 'trailer' as const, count }, prev);
  yield toLine(trailer);
  return { count, head: trailer.hash };
}

function eventRecord(event: LoggedEvent): Omit<EventRecord, 'prev' | 'hash'> {
  return {
    kind: 'event',
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.id,
    type: event.type,
    recordedAt: event.recordedAt.toISOString(),
    data: event.data ?? null,
    metadata: event.metadata ?? null,
  };
}
