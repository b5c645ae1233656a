import { ScimError } from '../errors/scim-error';
import { AttributeDefinition, findAttribute } from './attribute-definition';

/** Records what was dropped while coercing, so the caller can put it on the event's provenance. */
export interface DropLog {
  readonly dropped: string[];
}

/** xsd:dateTime (RFC 7643 §2.3.5): date, time, optional fraction and zone. */
const XSD_DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

const BOOLEAN_STRINGS: Record<string, boolean> = { true: true, false: false };

/**
 * Coerces one scalar by its declared type. Entra sends booleans as "True"/"False" strings in PATCH
 * (and sometimes POST), so booleans accept those strings in any case; everything else is stored as
 * sent (no reformatting of phones, emails or case).
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
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n === 'number' && Number.isInteger(n)) return n;
      throw ScimError.invalidValue(`Attribute "${path}" must be an integer`);
    }
    case 'decimal': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw ScimError.invalidValue(`Attribute "${path}" must be a number`);
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
