import 'reflect-metadata';
import { ScimError } from '@app/scim/errors/scim-error';
import fc from 'fast-check';
import { SearchRequestDto } from '../users/list-users/search-request.dto';
import { readPatchOperations } from '../users/patch-user/patch-op.dto';
import { classTransformerInput } from './class-transformer-input';
import { validateEnvelope } from './validate-envelope';

const CLASS_KEYS = ['constructor', '__proto__'];

/** Whether `value` has a member named `constructor` or `__proto__` of its own, at any depth. */
function hasClassKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasClassKey);
  if (typeof value !== 'object' || value === null) return false;
  return Object.keys(value).some((key) => CLASS_KEYS.includes(key)) || Object.values(value).some(hasClassKey);
}

/** JSON text with prototype keys as members at any depth (parsed by JSON.parse, `__proto__` stays an own member). */
const jsonWithClassKeys: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
    fc.array(fc.tuple(fc.constantFrom('constructor', '__proto__', 'filter', 'op', 'path', 'value', 'a'), tie('value')), { maxLength: 4 }).map(
      (members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`,
    ),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  ),
})).value;

describe('classTransformerInput', () => {
  it('drops constructor and __proto__ members at every depth and keeps everything else', () => {
    fc.assert(
      fc.property(jsonWithClassKeys, (text) => {
        const sent: unknown = JSON.parse(text);
        const copy = classTransformerInput(sent);
        expect(hasClassKey(copy)).toBe(false);
        const strip = (json: string) => JSON.stringify(JSON.parse(json, (key, v) => (CLASS_KEYS.includes(key) ? undefined : v)));
        expect(JSON.stringify(copy)).toBe(strip(text));
      }),
    );
  });

  it('leaves the body it copies as sent', () => {
    const sent = JSON.parse('{"filter":{"constructor":{},"__proto__":{"x":1}}}');
    classTransformerInput(sent);
    expect(Object.keys(sent.filter)).toEqual(['constructor', '__proto__']);
  });
});

describe('an envelope member that holds a prototype key', () => {
  const invalidSyntax = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).status).toBe(400);
      return;
    }
    throw new Error('accepted');
  };

  it('is a 400, not a crash, in a SearchRequest and a PatchOp', () => {
    invalidSyntax(() => validateEnvelope(SearchRequestDto, { filter: { constructor: {} } }));
    invalidSyntax(() => validateEnvelope(SearchRequestDto, JSON.parse('{"attributes":[{"__proto__":{"a":1}}],"sortBy":{"constructor":"x"}}')));
    invalidSyntax(() => readPatchOperations({ Operations: [{ op: 'add', path: { constructor: {} }, value: 'x' }] }));
    invalidSyntax(() => readPatchOperations({ Operations: [{ op: { constructor: { constructor: {} } } }] }));
  });

  it('still leaves a PatchOp value exactly as sent', () => {
    const [operation] = readPatchOperations({ Operations: [{ op: 'add', path: 'title', value: { constructor: { a: 1 } } }] });
    expect(operation.value).toEqual({ constructor: { a: 1 } });
  });
});
