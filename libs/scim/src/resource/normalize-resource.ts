import { ScimError } from '../errors/scim-error';
import { coerceAttributeValue, DropLog } from '../schema/coerce-value';
import { UserSchema } from '../schema/user-schema';
import { UserAttributes } from './user-attributes';

/** Members of a request body that are the server's to set, ignored on input (RFC 7643 §3.1). */
const SERVER_OWNED = new Set(['id', 'meta', 'schemas']);

export interface NormalizedResource {
  readonly attributes: UserAttributes;
  /** Attribute names that were sent but not kept: unregistered custom attributes, unknown names, password. */
  readonly dropped: readonly string[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns a POST/PUT body into stored attributes: names made canonical, values coerced by schema
 * ("True" strings included), extension objects kept under their URN whether or not the URN is in
 * `schemas` (Entra omits custom extension URNs there), and everything unknown dropped and reported.
 */
export function normalizeResource(schema: UserSchema, body: unknown): NormalizedResource {
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('The request body must be a JSON object');
  const attributes: Record<string, unknown> = {};
  const log: DropLog = { dropped: [] };
  for (const [key, value] of Object.entries(body)) {
    if (SERVER_OWNED.has(key.toLowerCase())) continue;
    const extension = key.toLowerCase().startsWith('urn:') ? schema.extension(key) : undefined;
    if (extension) {
      if (value === null || value === undefined) continue;
      if (!isPlainObject(value)) throw ScimError.invalidValue(`Extension "${key}" must be an object`);
      for (const [name, raw] of Object.entries(value)) {
        if (!SERVER_OWNED.has(name.toLowerCase())) setAttribute(schema, attributes, extension.id, name, raw, log);
      }
      continue;
    }
    if (key.toLowerCase().startsWith('urn:')) {
      const split = schema.splitUrn(key);
      if (split && !split.rest.includes('.')) setAttribute(schema, attributes, split.schemaId, split.rest, value, log);
      else log.dropped.push(key);
      continue;
    }
    setAttribute(schema, attributes, undefined, key, value, log);
  }
  return { attributes, dropped: log.dropped };
}

function setAttribute(
  schema: UserSchema,
  attributes: Record<string, unknown>,
  schemaId: string | undefined,
  name: string,
  raw: unknown,
  log: DropLog,
): void {
  const resolved = schema.resolve(schemaId ?? schema.core.id, name);
  const fullName = schemaId && schemaId !== schema.core.id ? `${schemaId}:${name}` : name;
  if (!resolved || resolved.definition.mutability === 'writeOnly') {
    log.dropped.push(fullName);
    return;
  }
  if (resolved.definition.mutability === 'readOnly') return;
  const value = coerceAttributeValue(resolved.definition, raw, fullName, log);
  if (value === undefined) return;
  if (resolved.schemaId === schema.core.id) {
    attributes[resolved.definition.name] = value;
  } else {
    const extension = (attributes[resolved.schemaId] as Record<string, unknown> | undefined) ?? {};
    attributes[resolved.schemaId] = { ...extension, [resolved.definition.name]: value };
  }
}
