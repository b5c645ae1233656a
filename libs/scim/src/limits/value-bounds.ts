import { ScimError } from '../errors/scim-error';
import { describeLimit } from './limit-detail';
import { ScimLimits } from './scim-limits';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface Visit {
  readonly value: unknown;
  readonly parent?: Visit;
  readonly key?: string | number;
}

/**
 * Refuses a request value holding a string or member name longer than maxStringLength, a string
 * PostgreSQL cannot store (U+0000, an unpaired surrogate), or an array longer than
 * maxMultiValuedElements. Walks with its own stack, so no nesting overflows it; the work is linear
 * in the value's size.
 * @param where how the detail names the value itself ("emails", "Operations[2].value").
 * @throws ScimError invalidValue naming the offending member and the limit.
 */
export function checkValueBounds(value: unknown, limits: ScimLimits, where: string): void {
  const pending: Visit[] = [{ value }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const current = visit.value;
    if (typeof current === 'string') {
      checkString(current, limits, () => pathOf(visit!, where));
    } else if (Array.isArray(current)) {
      if (current.length > limits.maxMultiValuedElements) {
        throw ScimError.invalidValue(
          `${pathOf(visit, where)} has ${current.length} elements, over ${describeLimit(limits, 'maxMultiValuedElements')}`,
        );
      }
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], parent: visit, key: i });
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, member] of Object.entries(current)) {
        checkString(key, limits, () => `A member name in ${pathOf(visit!, where)}`);
        pending.push({ value: member, parent: visit, key });
      }
    }
  }
}

function checkString(text: string, limits: ScimLimits, name: () => string): void {
  if (text.length > limits.maxStringLength) {
    throw ScimError.invalidValue(`${name()} is longer than ${describeLimit(limits, 'maxStringLength')}`);
  }
  // PostgreSQL text and jsonb hold neither; refused here, they could never be projected.
  if (text.includes('\u0000')) throw ScimError.invalidValue(`${name()} contains a NUL character`);
  if (UNPAIRED_SURROGATE.test(text)) throw ScimError.invalidValue(`${name()} is not well-formed Unicode (an unpaired surrogate)`);
}

/** `"emails[0].value"`, quoted as JSON; member names are cut short, as user text in a detail always is. */
function pathOf(visit: Visit, where: string): string {
  const keys: (string | number)[] = [];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) keys.unshift(v.key);
  const path = keys.reduce<string>((prefix, key) => {
    if (typeof key === 'number') return `${prefix}[${key}]`;
    const name = key.length > 40 ? `${key.slice(0, 40)}…` : key;
    return prefix === '' ? name : `${prefix}.${name}`;
  }, where);
  return JSON.stringify(path);
}
