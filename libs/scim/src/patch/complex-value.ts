import { AttributeDefinition, findAttribute } from '../schema/attribute-definition';
import { DropLog, coerceElement } from '../schema/coerce-value';
import { JsonObject, isPlainObject } from './json-value';

/**
 * Coerces a complex value once and returns how it merges into an existing object: RFC 7644 §3.5.2.1
 * and §3.5.2.3 say sub-attributes not given are left unchanged. A sub-attribute given as null or ""
 * is removed (Entra's "replace with empty").
 */
export function complexMerger(
  definition: AttributeDefinition,
  raw: unknown,
  path: string,
  log: DropLog,
): (current: unknown) => JsonObject {
  const patch = coerceElement(definition, raw, path, log);
  const cleared = clearedSubAttributes(definition, raw);
  return (current) => {
    const merged: JsonObject = { ...(isPlainObject(current) ? current : {}), ...(isPlainObject(patch) ? patch : {}) };
    for (const name of cleared) delete merged[name];
    return merged;
  };
}

function clearedSubAttributes(definition: AttributeDefinition, raw: unknown): string[] {
  const object = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (!isPlainObject(object)) return [];
  return Object.entries(object)
    .filter(([, member]) => member === null || member === '')
    .map(([key]) => findAttribute(definition.subAttributes ?? [], key))
    .filter((sub): sub is AttributeDefinition => sub !== undefined && sub.mutability !== 'readOnly')
    .map((sub) => sub.name);
}

/**
 * RFC 7644 §3.5.2: setting one value's `primary` to true sets it to false on every other value.
 * `promoted` holds the indexes this operation made primary; the last one wins.
 */
export function settlePrimary(
  definition: AttributeDefinition,
  elements: readonly unknown[],
  promoted: ReadonlySet<number>,
): unknown[] {
  if (!findAttribute(definition.subAttributes ?? [], 'primary')) return [...elements];
  const winner = [...promoted].filter((i) => isPrimary(elements[i])).pop();
  if (winner === undefined) return [...elements];
  return elements.map((element, i) =>
    i !== winner && isPrimary(element) ? { ...(element as JsonObject), primary: false } : element,
  );
}

export function isPrimary(element: unknown): boolean {
  return isPlainObject(element) && element.primary === true;
}
