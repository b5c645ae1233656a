import pino from 'pino';
import { Writable } from 'node:stream';
import type { JournalEntry } from './journal-entry';
import { JournalSink, JournalWriter } from './journal-writer';

const entry = (n: number, providerId = 'contoso', tokenId: string | null = 't-1') => ({ requestId: `req-${n}`, providerId, tokenId }) as JournalEntry;

function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'warn' }, stream) };
}

/** A database that takes each batch when the test lets it, or fails it. */
class GatedSink implements JournalSink {
  readonly batches: string[][] = [];
  private release: (() => void)[] = [];
  constructor(private readonly failing = false) {}
  append(entries: readonly JournalEntry[]): Promise<void> {
    this.batches.push(entries.map((e) => e.requestId));
    return new Promise((resolve, reject) => this.release.push(() => (this.failing ? reject(Object.assign(new Error('down: secret value'), { code: '57P01' })) : resolve())));
  }
  letThrough(): void {
    this.release.splice(0).forEach((go) => go());
  }
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JournalWriter', () => {
  it('writes entries in batches, one batch at a time, and all of them on close', async () => {
    const sink = new GatedSink();
    const { logger } = logSink();
    const writer = new JournalWriter(sink, { capacity: 100, batchSize: 3, flushDelayMs: 5 }, logger);
    for (let n = 0; n < 7; n++) writer.record(entry(n));
    await tick(20);
    // The first batch is in flight; nothing else starts until it ends.
    expect(sink.batches).toEqual([['req-0', 'req-1', 'req-2']]);
    sink.letThrough();
    await tick(20);
    expect(sink.batches).toHaveLength(2);
    const closing = writer.close();
    for (let i = 0; i < 5; i++) {
      sink.letThrough();
      await tick();
    }
    await closing;
    expect(sink.batches.flat()).toEqual(Array.from({ length: 7 }, (_, n) => `req-${n}`));
    expect({ written: writer.written, dropped: writer.dropped, queued: writer.queued }).toEqual({ written: 7, dropped: 0, queued: 0 });
  });

  it('drops and counts what a full queue cannot take, never waiting, and warns at most every few seconds', async () => {
    const sink = new GatedSink();
    const { lines, logger } = logSink();
    const writer = new JournalWriter(sink, { capacity: 4, batchSize: 10, flushDelayMs: 1, warnEveryMs: 50 }, logger);
    for (let n = 0; n < 2; n++) writer.record(entry(n));
    await tick(10);
    // Two in flight, the queue empty again: two more fit (one IdP holds half the queue), the rest are dropped.
    for (let n = 2; n < 1002; n++) writer.record(entry(n));
    expect(writer.dropped).toBe(998);
    expect(lines).toHaveLength(1);
    await tick(80);
    expect(lines.map((l) => [l.msg, l.droppedTotal, l.reason])).toEqual([
      ['request journal dropped entries', 1, 'share of queue full'],
      ['request journal dropped entries', 998, 'share of queue full'],
    ]);
    sink.letThrough();
    await tick(10);
    sink.letThrough();
    await writer.close();
    expect({ written: writer.written, dropped: writer.dropped }).toEqual({ written: 4, dropped: 998 });
    writer.record(entry(9999));
    expect(writer.dropped).toBe(999);
  });

  it('leaves room for others while one IdP, and refused callers of any tenant id, flood it', async () => {
    const sink = new GatedSink();
    const writer = new JournalWriter(sink, { capacity: 12, batchSize: 100, flushDelayMs: 1_000 }, logSink().logger);
    for (let n = 0; n < 20; n++) writer.record(entry(n, 'flooder'));
    for (let n = 20; n < 40; n++) writer.record(entry(n, `made-up-${n}`, null));
    for (let n = 40; n < 43; n++) writer.record(entry(n, `quiet-${n}`));
    // The flooder took half (6), the refused callers half of the rest (3), three quiet IdPs the rest.
    expect({ queued: writer.queued, dropped: writer.dropped }).toEqual({ queued: 12, dropped: 31 });
    const closing = writer.close();
    await tick(10);
    sink.letThrough();
    await closing;
    expect(sink.batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 20, 21, 22, 40, 41, 42].map((n) => `req-${n}`));
  });

  it('drops and counts a batch the database refused, and logs no value of it', async () => {
    const sink = new GatedSink(true);
    const { lines, logger } = logSink();
    const writer = new JournalWriter(sink, { capacity: 10, flushDelayMs: 1 }, logger);
    writer.record(entry(1));
    writer.record(entry(2));
    await tick(10);
    sink.letThrough();
    await tick(10);
    expect(writer.dropped).toBe(2);
    expect(lines).toEqual([expect.objectContaining({ droppedEntries: 2, reason: 'database', error: 'Error 57P01' })]);
    expect(JSON.stringify(lines)).not.toContain('secret value');
    await writer.close();
  });
});
