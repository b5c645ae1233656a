import fc from 'fast-check';
import { decodeCursor, encodeCursor } from './journal-cursor';

describe('journal cursors', () => {
  it('round-trip', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (at, seq) => {
        expect(decodeCursor(encodeCursor({ at, seq }))).toEqual({ at, seq });
      }),
    );
  });

  it('refuse anything else', () => {
    for (const text of ['', 'x', '!!!', 'a'.repeat(500), Buffer.from('2026-13-45T99:99:99.999Z~1').toString('base64url')]) expect(decodeCursor(text)).toBeUndefined();
    fc.assert(fc.property(fc.string(), (text) => expect(() => decodeCursor(text)).not.toThrow()));
  });
});
