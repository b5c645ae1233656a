import fc from 'fast-check';
import { nextBatchRows, SCAN_BATCH_TARGET_MS } from './user-scan';

describe('nextBatchRows', () => {
  it('moves toward the target time, at most doubling or halving, within 10..5000 rows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 5000 }), fc.double({ min: 0, max: 1000, noNaN: true }), (rows, elapsedMs) => {
        const next = nextBatchRows(rows, elapsedMs);
        expect(next).toBeGreaterThanOrEqual(Math.max(10, Math.floor(rows / 2)));
        expect(next).toBeLessThanOrEqual(Math.min(5000, rows * 2));
        if (elapsedMs > SCAN_BATCH_TARGET_MS * 1.01) expect(next).toBeLessThanOrEqual(rows);
        if (elapsedMs < SCAN_BATCH_TARGET_MS * 0.99 && rows < 5000) expect(next).toBeGreaterThanOrEqual(rows);
      }),
    );
  });

  it('keeps the size of a batch that took the target time', () => {
    expect(nextBatchRows(300, SCAN_BATCH_TARGET_MS)).toBe(300);
  });
});
