import { ScimError } from '../errors/scim-error';
import { deepEqual, isPlainObject } from '../patch/json-value';
import { UserAttributes } from '../resource/user-attributes';
import { describeLimit } from './limit-detail';
import { ScimLimits } from './scim-limits';
import { checkValueBounds } from './value-bounds';

/** Attributes the read model indexes with btrees, whose rows cannot exceed a few kilobytes. */
const INDEXED_STRINGS = ['userName', 'externalId'];

/**
 * Refuses a write whose resulting user the read model might not hold: an indexed value (userName,
 * externalId, emails.value) over maxIndexedStringLength, any string or list over its limit, or a
 * resource over maxResourceBytes. Only what the write changes is checked, and the size only when
 * the write grows it, so a user stored before the limits can still be changed back within them; the
 * size leaves out `active`, so a user can always be deactivated and reactivated.
 * @param before the stored attributes, or undefined when the write creates the user.
 * @throws ScimError invalidValue naming the attribute and the limit.
 */
export function checkResourceLimits(before: UserAttributes | undefined, after: UserAttributes, limits: ScimLimits): void {
  for (const [name, value] of Object.entries(after)) {
    if (before && deepEqual(before[name], value)) continue;
    checkIndexed(name, value, limits);
    checkValueBounds(value, limits, name);
  }
  const bytes = byteLength(after);
  if (bytes > limits.maxResourceBytes && (!before || bytes > byteLength(before))) {
    throw ScimError.invalidValue(`The user would be ${bytes} bytes as JSON, over ${describeLimit(limits, 'maxResourceBytes')}`);
  }
}

function checkIndexed(name: string, value: unknown, limits: ScimLimits): void {
  const tooLong = (text: unknown) => typeof text === 'string' && text.length > limits.maxIndexedStringLength;
  if (INDEXED_STRINGS.includes(name) && tooLong(value)) {
    throw ScimError.invalidValue(`${name} is longer than ${describeLimit(limits, 'maxIndexedStringLength')}`);
  }
  if (name === 'emails' && Array.isArray(value) && value.some((email) => isPlainObject(email) && tooLong(email.value))) {
    throw ScimError.invalidValue(`An emails value is longer than ${describeLimit(limits, 'maxIndexedStringLength')}`);
  }
}

function byteLength(attributes: UserAttributes): number {
  const { active: _flag, ...measured } = attributes;
  return Buffer.byteLength(JSON.stringify(measured), 'utf8');
}
