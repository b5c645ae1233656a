import fc from 'fast-check';
import { errorOfAnswer } from './scim-error-answer';

describe('errorOfAnswer', () => {
  it('reads scimType and detail of an RFC 7644 error', () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: 'userName is taken' };
    expect(errorOfAnswer(JSON.stringify(body))).toEqual({ scimType: 'uniqueness', detail: 'userName is taken' });
    expect(errorOfAnswer(JSON.stringify({ status: '401', detail: 'bad token' }))).toEqual({ scimType: null, detail: 'bad token' });
  });

  it.each([['not JSON', '{'], ['a resource', '{"id":"1"}'], ['a stream', Buffer.from('{}')], ['too large', JSON.stringify({ detail: 'x'.repeat(20_000) })], ['null', 'null']])(
    'is null for %s',
    (_name, payload) => {
      expect(errorOfAnswer(payload)).toBeNull();
    },
  );

  it('never throws and caps what it keeps', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.record({ detail: fc.string({ unit: 'binary', maxLength: 3000 }), scimType: fc.anything() }).map((r) => JSON.stringify(r))), (payload) => {
        const error = errorOfAnswer(payload);
        expect((error?.detail ?? '').length).toBeLessThanOrEqual(2048);
      }),
    );
  });
});
