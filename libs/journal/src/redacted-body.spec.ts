import fc from 'fast-check';
import { redactedBody } from './redacted-body';

const SECRET = 'S3cret-never-kept';
const bytes = (text: string) => Buffer.byteLength(text);

/** Any JSON, odd keys included (`__proto__`, `constructor`, unpaired surrogates, U+0000). */
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('__proto__', 'constructor', 'toString', 'Password', 'value', 'path')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Somewhere in `value`, a password as Entra or a hostile client could put it. */
function withPasswords(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return [...value.map((v) => withPasswords(v, depth + 1)), { op: 'replace', path: 'password', value: SECRET }];
  if (value !== null && typeof value === 'object') {
    return {
      ...Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPasswords(v, depth + 1)])),
      password: SECRET,
      PASSWORD: { nested: SECRET },
      'urn:ietf:params:scim:schemas:core:2.0:User:password': [SECRET],
    };
  }
  return depth === 0 ? { value, password: SECRET } : value;
}

function deep(levels: number): unknown {
  let value: unknown = { password: SECRET };
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

describe('redactedBody', () => {
  it('keeps the body as JSON without any password member or PATCH value', () => {
    const body = {
      userName: 'ada@contoso.example',
      password: SECRET,
      Operations: [
        { op: 'Replace', path: 'password', value: SECRET },
        { op: 'Replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:PassWord', value: SECRET },
        { op: 'Add', value: { passWord: SECRET, title: 'Analyst' } },
      ],
    };
    const kept = redactedBody(body, 16_384)!;
    expect(kept.truncated).toBe(false);
    expect(JSON.parse(kept.text)).toEqual({
      userName: 'ada@contoso.example',
      Operations: [{ op: 'Replace', path: 'password' }, { op: 'Replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:PassWord' }, { op: 'Add', value: { title: 'Analyst' } }],
    });
  });

  it('is null without a body, and writes JSON scalars as JSON.stringify would', () => {
    expect(redactedBody(undefined, 100)).toBeNull();
    expect(redactedBody(null, 100)).toEqual({ text: 'null', truncated: false });
    expect(redactedBody({ n: 1.5, t: true, s: 'x', a: [1, null] }, 100)).toEqual({ text: '{"n":1.5,"t":true,"s":"x","a":[1,null]}', truncated: false });
  });

  it('cuts at the byte cap on a character boundary and says so', () => {
    const kept = redactedBody({ displayName: 'é'.repeat(100) }, 20)!;
    // 16 bytes, then two 2-byte characters: a third would pass 20.
    expect(kept).toEqual({ text: '{"displayName":"éé', truncated: true });
    expect(redactedBody({ a: 'x' }, 0)).toEqual({ text: '', truncated: true });
  });

  it('writes deeper than 64 levels as a marker, without a stack overflow', () => {
    const kept = redactedBody(deep(100_000), 1_000_000)!;
    expect(kept.truncated).toBe(true);
    expect(kept.text).toContain('[nested too deep]');
    expect(kept.text).not.toContain(SECRET);
  });

  it('stops walking a huge body at the cap', () => {
    const huge = { members: Array.from({ length: 200_000 }, (_, i) => ({ value: `user-${i}`, password: SECRET })) };
    const started = performance.now();
    const kept = redactedBody(huge, 1024)!;
    expect(performance.now() - started).toBeLessThan(200);
    expect(kept.truncated).toBe(true);
    expect(bytes(kept.text)).toBeLessThanOrEqual(1024);
  });

  it('never throws, never keeps a password, stays within the cap, and is the JSON itself when whole', () => {
    fc.assert(
      fc.property(anyJson, fc.integer({ min: 0, max: 2_000 }), (value, cap) => {
        const kept = redactedBody(withPasswords(value), cap)!;
        expect(bytes(kept.text)).toBeLessThanOrEqual(cap);
        expect(kept.text).not.toContain(SECRET);
        if (!kept.truncated) expect(() => JSON.parse(kept.text)).not.toThrow();
        // What is kept is storable: JSON.stringify escapes U+0000 and unpaired surrogates.
        expect(kept.text).not.toMatch(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      }),
      { numRuns: 500 },
    );
  });
});
