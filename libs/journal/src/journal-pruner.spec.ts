import pino from 'pino';
import { Writable } from 'node:stream';
import { JournalPruner } from './journal-pruner';
import type { JournalStore } from './journal-store';

const DAY = 24 * 60 * 60 * 1000;

/** A journal whose rows older than the cut-off are `old`; each call deletes up to a batch of them, or fails. */
function journalWith(old: number, failing = false) {
  const calls: { before: Date; batch: number }[] = [];
  const store = {
    pruneBefore: async (before: Date, batch: number) => {
      calls.push({ before, batch });
      if (failing) throw Object.assign(new Error('down'), { code: '57P01' });
      const n = Math.min(batch, old);
      old -= n;
      return n;
    },
  } as unknown as JournalStore;
  return { store, calls };
}

function logs() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  return { lines, logger };
}

describe('JournalPruner', () => {
  it('deletes in batches until nothing older than the retention period is left', async () => {
    const { store, calls } = journalWith(2_003);
    const pruner = new JournalPruner(store, { retentionDays: 30, batch: 1_000, pauseMs: 1 }, logs().logger);
    const now = Date.parse('2026-12-02T08:00:00Z');
    expect(await pruner.prune(now)).toBe(2_003);
    expect(calls).toEqual(Array.from({ length: 3 }, () => ({ before: new Date(now - 30 * DAY), batch: 1_000 })));
  });

  it('runs in the background, logs what it deleted, and a failed round waits for the next', async () => {
    const { lines, logger } = logs();
    const pruned = new JournalPruner(journalWith(5).store, { retentionDays: 1, everyMs: 60_000 }, logger);
    pruned.start(1);
    const failing = new JournalPruner(journalWith(5, true).store, { retentionDays: 1, everyMs: 60_000 }, logger);
    failing.start(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([pruned.stop(), failing.stop()]);
    expect(lines.map((l) => [l.msg, l.deleted])).toEqual(
      expect.arrayContaining([
        ['request journal pruned', 5],
        ['request journal pruning failed; the next round retries', undefined],
      ]),
    );
  });
});
