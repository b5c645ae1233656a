import fc from 'fast-check';
import { holdRefusal, refusalDelayMs } from './refusal-delay';

describe('refusalDelayMs', () => {
  it('holds a refusal from the configured delay up to twice it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (leastMs, random) => {
        const ms = refusalDelayMs(leastMs, () => random);
        expect(ms).toBeGreaterThanOrEqual(leastMs);
        expect(ms).toBeLessThanOrEqual(2 * leastMs);
      }),
    );
  });

  it('spreads refusals over the whole range, so refused clients do not come back together', () => {
    expect([0, 0.25, 0.5, 0.999].map((r) => refusalDelayMs(1000, () => r))).toEqual([1000, 1250, 1500, 1999]);
  });

  it('holds nothing back when the delay is off', async () => {
    const started = performance.now();
    await holdRefusal(0);
    expect(performance.now() - started).toBeLessThan(20);
  });

  it('waits at least the configured delay', async () => {
    const started = performance.now();
    await holdRefusal(40);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});
