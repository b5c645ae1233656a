import { ScimError } from '../errors/scim-error';
import { AttributeDefinition, findAttribute } from './attribute-definition';

/** Records what was dropped while coercing, so the caller can put it on the event's provenance. */
export interface DropLog {
  readonly dropped: string[];
}

/** xsd:dateTime (RFC 7643 §2.3.5): date, time, optional fraction and zone. */
const XSD_DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

const BOOLEAN_STRINGS: Record<string, boolean> = { true: true, false: false };

/** Decimal digits only: Number() would also read "0x1F", "1e3" or "" as numbers. */
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A JSON number, or a string of one: Entra's PATCH values travel as strings ("True", "42"). */
function numberFrom(value: unknown, text: RegExp): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && text.test(value.trim()) ? Number(value) : undefined;
}

/**
 * Coerces one scalar by its declared type. Entra sends booleans as "True"/"False" strings in PATCH
 * (and sometimes POST), so booleans accept those strings in any case, and numbers (custom integer and
 * decimal attributes) may come as JSON numbers or numeric strings; both are stored as the JSON
 * number, which Entra reads back as the value it sent. Everything else is stored as sent (no
 * reformatting of phones, emails, dates or case).
 */
export function coerceScalar(definition: AttributeDefinition, value: unknown, path: string): unknown {
  switch (definition.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const key = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
      if (key !== undefined && Object.hasOwn(BOOLEAN_STRINGS, key)) return BOOLEAN_STRINGS[key];
      throw ScimError.invalidValue(`Attribute "${path}" must be a boolean`);
    }
    case 'integer': {
      // Beyond 2^53 the stored number would differ from the one sent, and Entra would re-send it.
      const n = numberFrom(value, INTEGER_TEXT);
      if (n !== undefined && Number.isSafeInteger(n)) return n;
      throw ScimError.invalidValue(`Attribute "${path}" must be an integer from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`);
    }
    case 'decimal': {
      const n = numberFrom(value, DECIMAL_TEXT);
      if (n !== undefined && Number.isFinite(n)) return n;
      throw ScimError.invalidValue(`Attribute "${path}" must be a decimal number`);
    }
    case 'dateTime':
      if (typeof value === 'string' && XSD_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
      throw ScimError.invalidValue(`Attribute "${path}" must be an xsd:dateTime string`);
    case 'complex':
      throw ScimError.invalidValue(`Attribute "${path}" is complex and needs an object`);
    default:
      // PostgreSQL text cannot hold U+0000, and no identity value needs it.
      if (typeof value === 'string' && value.includes('\u0000')) throw ScimError.invalidValue(`Attribute "${path}" contains a NUL character`);
      if (typeof value === 'string') return value;
      throw ScimError.invalidValue(`Attribute "${path}" must be a string`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Null, undefined, "" for complex, and empty arrays are "unassigned" (RFC 7643 §2.5). */
export function isUnassigned(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

function coerceComplex(
  definition: AttributeDefinition,
  value: unknown,
  path: string,
  log: DropLog,
): Record<string, unknown> | undefined {
  // Entra sends a reference such as manager as a bare id string, or (older docs) as [{ "$ref", "value" }].
  if (Array.isArray(value) && value.length <= 1) value = value[0];
  if (value === '' ) return undefined;
  if ((typeof value === 'string' || typeof value === 'number') && findAttribute(definition.subAttributes ?? [], 'value')) {
    value = { value: String(value) };
  }
  if (isUnassigned(value)) return undefined;
  if (!isPlainObject(value)) throw ScimError.invalidValue(`Attribute "${path}" must be an object`);
  const result: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findAttribute(definition.subAttributes ?? [], key);
    if (!sub) {
      log.dropped.push(`${path}.${key}`);
      continue;
    }
    if (sub.mutability === 'readOnly' || isUnassigned(raw)) continue;
    result[sub.name] = coerceScalar(sub, raw, `${path}.${sub.name}`);
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

/**
 * Coerces a whole attribute value to its definition: canonical sub-attribute names, typed scalars,
 * a single value for a multi-valued attribute wrapped in an array. Returns undefined for "unassigned".
 */
export function coerceAttributeValue(definition: AttributeDefinition, value: unknown, path: string, log: DropLog): unknown {
  if (isUnassigned(value)) return undefined;
  if (definition.multiValued) {
    const items = (Array.isArray(value) ? value : [value])
      .map((item) => coerceElement(definition, item, path, log))
      .filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  return coerceElement(definition, value, path, log);
}

/** Coerces one value of the attribute (one element, for a multi-valued attribute). */
export function coerceElement(definition: AttributeDefinition, value: unknown, path: string, log: DropLog): unknown {
  if (definition.type === 'complex') return coerceComplex(definition, value, path, log);
  if (isUnassigned(value)) return undefined;
  return coerceScalar(definition, value, path);
}
