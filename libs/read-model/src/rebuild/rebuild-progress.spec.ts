import fc from 'fast-check';
import { percentReplayed } from './rebuild-progress';

describe('how far a rebuild is', () => {
  const span = fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([first, length, at]) => ({ firstPosition: first, headPosition: first + length, at }));

  it('is 0-100 with one decimal, grows with the position, and is 100 at the head', () => {
    fc.assert(
      fc.property(span, fc.nat(), ({ firstPosition, headPosition, at }, more) => {
        const percent = percentReplayed({ firstPosition, headPosition, position: at });
        expect(percent).toBeGreaterThanOrEqual(0);
        expect(percent).toBeLessThanOrEqual(100);
        expect(Math.round(percent * 10)).toBe(percent * 10);
        expect(percentReplayed({ firstPosition, headPosition, position: at + more })).toBeGreaterThanOrEqual(percent);
        expect(percentReplayed({ firstPosition, headPosition, position: headPosition })).toBe(100);
      }),
    );
  });

  it('is the share of the positions between the first event and the head', () => {
    expect(percentReplayed({ firstPosition: 100, headPosition: 300, position: 150 })).toBe(25);
    expect(percentReplayed({ firstPosition: 100, headPosition: 300, position: 0 })).toBe(0);
    expect(percentReplayed({ firstPosition: 0, headPosition: 0, position: 0 })).toBe(100);
  });
});
