export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Entra's ways of saying "no value" on add/replace: null, "" (its "Replace with empty") and []. */
export function isEmptyInput(value: unknown): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Structural equality of JSON values; member order of objects does not matter, element order does. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
  return keys.length === otherKeys.length && keys.every((k) => deepEqual(a[k], b[k]));
}

/** Whether `value` has every member of `pattern` (objects), or equals it (anything else). */
export function containsValue(value: unknown, pattern: unknown): boolean {
  if (isPlainObject(value) && isPlainObject(pattern)) {
    return Object.entries(pattern).every(([key, member]) => deepEqual(value[key], member));
  }
  return deepEqual(value, pattern);
}

/**
 * Drops what RFC 7643 §2.5 calls unassigned, recursively: null members, elements left with no
 * sub-attributes, and objects or arrays left empty (which become undefined).
 */
export function compact(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(compact).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value)
      .map(([key, member]) => [key, compact(member)] as const)
      .filter(([, member]) => member !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value === null ? undefined : value;
}

/** Case-insensitive member lookup (RFC 7643 §2.1), for elements that may not use canonical names. */
export function memberOf(object: JsonObject, name: string): unknown {
  // Own members only: `constructor` or `toString` must not reach Object.prototype.
  if (Object.hasOwn(object, name)) return object[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : object[key];
}

/** A copy of the object without one member; anything else is returned as is. */
export function without(value: unknown, name: string): unknown {
  if (!isPlainObject(value)) return value;
  const { [name]: _removed, ...rest } = value;
  return rest;
}
