import { UserAttributes } from '../resource/user-attributes';
import { JsonObject, deepEqual, isPlainObject } from './json-value';
import { AttributeChange } from './patch-types';

/**
 * The top-level attributes whose values differ (deep compare) between two stored attribute sets,
 * each once: core attributes by name, extension attributes as `<extension URN>:<name>`. Order: the
 * keys of `before`, then those only in `after`.
 */
export function diffAttributes(before: UserAttributes, after: UserAttributes): AttributeChange[] {
  const changes: AttributeChange[] = [];
  for (const key of unionOfKeys(before, after)) {
    const [oldValue, newValue] = [before[key], after[key]];
    if (isExtensionKey(key) && isObjectOrAbsent(oldValue) && isObjectOrAbsent(newValue)) {
      const [oldExtension, newExtension] = [asObject(oldValue), asObject(newValue)];
      for (const name of unionOfKeys(oldExtension, newExtension)) {
        addChange(changes, `${key}:${name}`, oldExtension[name], newExtension[name]);
      }
    } else {
      addChange(changes, key, oldValue, newValue);
    }
  }
  return changes;
}

/**
 * Applies a change set (as recorded in an event) to stored attributes: sets each `newValue`, or
 * deletes the attribute when `newValue` is undefined; an extension object left empty is deleted.
 * Returns a new object; the input is not mutated.
 */
export function applyChanges(attributes: UserAttributes, changes: readonly AttributeChange[]): UserAttributes {
  const result: JsonObject = { ...attributes };
  for (const { attribute, newValue } of changes) {
    const colon = attribute.lastIndexOf(':');
    if (colon < 0) {
      setMember(result, attribute, newValue);
      continue;
    }
    const schemaId = attribute.slice(0, colon);
    const extension = { ...asObject(result[schemaId]) };
    setMember(extension, attribute.slice(colon + 1), newValue);
    setMember(result, schemaId, Object.keys(extension).length === 0 ? undefined : extension);
  }
  return result;
}

function addChange(changes: AttributeChange[], attribute: string, oldValue: unknown, newValue: unknown): void {
  if (deepEqual(oldValue, newValue)) return;
  changes.push({
    attribute,
    ...(oldValue !== undefined ? { oldValue } : {}),
    ...(newValue !== undefined ? { newValue } : {}),
  });
}

function setMember(object: JsonObject, name: string, value: unknown): void {
  if (value === undefined) delete object[name];
  else object[name] = value;
}

function unionOfKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function isExtensionKey(key: string): boolean {
  return key.toLowerCase().startsWith('urn:');
}

function isObjectOrAbsent(value: unknown): boolean {
  return value === undefined || isPlainObject(value);
}

function asObject(value: unknown): JsonObject {
  return isPlainObject(value) ? value : {};
}
