import type { AttributeDefinition, AttributeType } from './attribute-definition';
import type { UserSchema } from './user-schema';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as plain data. */
export type JsonSchema = Record<string, unknown>;

const SCALARS: Record<Exclude<AttributeType, 'complex'>, JsonSchema> = {
  string: { type: 'string' },
  boolean: { type: 'boolean' },
  decimal: { type: 'number' },
  integer: { type: 'integer' },
  dateTime: { type: 'string', format: 'date-time' },
  binary: { type: 'string', contentEncoding: 'base64' },
  reference: { type: 'string' },
};

/**
 * The User resource of `schema` as a JSON Schema, derived from the same definitions /Schemas
 * describes, so the OpenAPI document cannot drift from them. Custom attributes differ per IdP,
 * so members beyond the standard ones are allowed (RFC 7643 §3: clients ignore what they do not know).
 */
export function userJsonSchema(schema: UserSchema): JsonSchema {
  const extensions = Object.fromEntries(schema.extensions.map((e) => [e.id, objectOf(e.attributes, e.description)]));
  return {
    ...objectOf(schema.core.attributes, schema.core.description),
    properties: {
      schemas: { type: 'array', items: { type: 'string' }, minItems: 1 },
      ...propertiesOf(schema.core.attributes),
      ...extensions,
      meta: META,
    },
    required: ['userName'],
  };
}

/** RFC 7643 §3.1 `meta`, as the service renders it. */
const META: JsonSchema = {
  type: 'object',
  readOnly: true,
  properties: {
    resourceType: { type: 'string' },
    created: { type: 'string', format: 'date-time' },
    lastModified: { type: 'string', format: 'date-time' },
    version: { type: 'string' },
    location: { type: 'string' },
  },
};

function objectOf(attributes: readonly AttributeDefinition[], description: string): JsonSchema {
  return { type: 'object', ...(description ? { description } : {}), properties: propertiesOf(attributes) };
}

function propertiesOf(attributes: readonly AttributeDefinition[]): Record<string, JsonSchema> {
  return Object.fromEntries(attributes.map((a) => [a.name, attributeSchema(a)]));
}

/** One attribute: its type (an array of it when multi-valued), canonical values as examples (RFC 7643 §2.3.1: not a closed list), mutability as readOnly/writeOnly. */
export function attributeSchema(definition: AttributeDefinition): JsonSchema {
  const value: JsonSchema =
    definition.type === 'complex' ? objectOf(definition.subAttributes ?? [], '') : { ...SCALARS[definition.type], ...(definition.canonicalValues ? { examples: [...definition.canonicalValues] } : {}) };
  const shape = definition.multiValued ? { type: 'array', items: value } : value;
  return {
    ...shape,
    ...(definition.description ? { description: definition.description } : {}),
    ...(definition.mutability === 'readOnly' ? { readOnly: true } : {}),
    ...(definition.mutability === 'writeOnly' ? { writeOnly: true } : {}),
  };
}
