import { ScimError } from '@app/scim/errors/scim-error';
import { AttributePath } from '@app/scim/filter/filter-ast';
import { AttributeDefinition, AttributeType, findAttribute } from '@app/scim/schema/attribute-definition';
import { UserSchema } from '@app/scim/schema/user-schema';

/** Builds the error to throw for a bad path: invalidFilter for filters, invalidValue for sortBy. */
export type Fail = (detail: string) => ScimError;

/**
 * One scalar SQL can read. `text` is a text-valued expression (from jsonb) or a native column;
 * `json` is the jsonb expression it came from, absent for native columns and constants.
 */
export interface Scalar {
  readonly text: string;
  readonly json?: string;
  readonly type: AttributeType;
  readonly caseExact: boolean;
}

/** A SCIM attribute served by a column of the row (id, meta.*) rather than by the attributes jsonb. */
export interface ColumnTarget {
  readonly kind: 'column';
  readonly label: string;
  readonly scalar: Scalar;
}

/** An attribute, and optionally one of its sub-attributes, inside the jsonb object `container`. */
export interface JsonTarget {
  readonly kind: 'json';
  readonly label: string;
  readonly container: string;
  readonly attribute: AttributeDefinition;
  readonly sub?: AttributeDefinition;
}

export type Target = ColumnTarget | JsonTarget;

/** Where the scalar that a comparison or sort reads lives: on the row, or in every element of `array`. */
export interface ScalarAccess {
  readonly type: AttributeType;
  readonly caseExact: boolean;
  /** The jsonb array of a multi-valued attribute; absent when the row holds a single value. */
  readonly array?: string;
  /** The attribute the scalar belongs to (its `primary` sub-attribute decides sort order). */
  readonly attribute?: AttributeDefinition;
  /** The scalar, given the element expression when `array` is set (ignored otherwise). */
  readonly at: (element: string) => Scalar;
}

/** A SQL string literal. Keys only ever come from schema definitions; the quoting is a second line of defence. */
export function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `json->'key'`: the jsonb member. */
export function member(json: string, key: string): string {
  return `${json}->${quote(key)}`;
}

/** The elements of a jsonb array as rows `alias(v[, n])`; anything that is not an array yields no rows. */
export function elements(array: string, alias: string, ordinality = false): string {
  const source = `jsonb_array_elements(CASE WHEN jsonb_typeof(${array}) = 'array' THEN ${array} ELSE '[]'::jsonb END)`;
  return ordinality ? `${source} WITH ORDINALITY AS ${alias}(v, n)` : `${source} AS ${alias}(v)`;
}

/** RFC 7644 `pr`: assigned and not null, "", [] or {}. Never NULL, so NOT of it is safe. */
export function present(json: string): string {
  return `COALESCE(${json} NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb), false)`;
}

/** The scalar as a value of its SCIM type: numeric for numbers, timestamptz for dateTime, text otherwise. */
export function typedSql(scalar: Scalar): string {
  if (!scalar.json) return scalar.text;
  switch (scalar.type) {
    case 'integer':
    case 'decimal':
      // A guard instead of a bare cast: a stray non-number in the jsonb must not fail the whole query.
      return `CASE WHEN jsonb_typeof(${scalar.json}) = 'number' THEN ${scalar.text}::numeric END`;
    case 'dateTime':
      // No jsonb attribute of the User schemas is a dateTime today; stored ones passed Date.parse on write.
      return `${scalar.text}::timestamptz`;
    default:
      return scalar.text;
  }
}

const ID: Scalar = { text: 'u.user_id', type: 'string', caseExact: true };

// meta.version and meta.location are left out: their wire forms (ETag, URL) are rendered elsewhere.
const META: Readonly<Record<string, Scalar>> = {
  created: { text: 'u.created_at', type: 'dateTime', caseExact: true },
  lastmodified: { text: 'u.last_modified_at', type: 'dateTime', caseExact: true },
  resourcetype: { text: `'User'::text`, type: 'string', caseExact: true },
};

function columnTarget(name: string, sub: string | undefined, label: string, fail: Fail): ColumnTarget | undefined {
  const lower = name.toLowerCase();
  if (lower === 'id') {
    if (sub !== undefined) throw fail(`"${label}": id has no sub-attributes`);
    return { kind: 'column', label, scalar: ID };
  }
  if (lower !== 'meta') return undefined;
  // Own keys only: `meta.constructor` must not reach Object.prototype.
  const scalar = sub === undefined || !Object.hasOwn(META, sub.toLowerCase()) ? undefined : META[sub.toLowerCase()];
  if (!scalar) throw fail(`"${label}" cannot be used here; use meta.created, meta.lastModified or meta.resourceType`);
  return { kind: 'column', label, scalar };
}

function jsonTarget(container: string, attribute: AttributeDefinition, subName: string | undefined, label: string, fail: Fail): JsonTarget {
  if (subName === undefined) return { kind: 'json', label, container, attribute };
  if (attribute.type !== 'complex') throw fail(`"${label}": ${attribute.name} has no sub-attributes`);
  const sub = findAttribute(attribute.subAttributes ?? [], subName);
  if (!sub) throw fail(`Unknown sub-attribute "${label}"`);
  return { kind: 'json', label, container, attribute, sub };
}

function labelOf(path: AttributePath): string {
  const name = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  return path.schema === undefined ? name : `${path.schema}:${name}`;
}

/**
 * Locates a top-level path on a `scim_users` row aliased `u`: `id` and `meta.*` map to columns,
 * everything else to `u.attributes` (core) or `u.attributes->'<extension urn>'`, resolved through the
 * schema so only canonical names ever reach the SQL text.
 */
export function resolveRootPath(schema: UserSchema, path: AttributePath, fail: Fail): Target {
  const label = labelOf(path);
  let { schema: urn, attribute: name, subAttribute: sub } = path;
  if (urn === undefined && name.toLowerCase().startsWith('urn:')) {
    const split = schema.splitUrn(name);
    const parts = split?.rest.split('.') ?? [];
    if (!split || parts.length > 2 || (parts.length === 2 && sub !== undefined)) throw fail(`Unknown attribute "${label}"`);
    urn = split.schemaId;
    name = parts[0];
    sub = parts[1] ?? sub;
  }
  if (urn !== undefined && !schema.all.some((s) => s.id.toLowerCase() === urn.toLowerCase())) {
    throw fail(`Unknown schema in "${label}"`);
  }
  if (urn === undefined || urn.toLowerCase() === schema.core.id.toLowerCase()) {
    const column = columnTarget(name, sub, label, fail);
    if (column) return column;
  }
  const resolved = schema.resolve(urn, name);
  // returned=never (password) is never stored, and filtering on it would probe a secret.
  if (!resolved || resolved.definition.returned === 'never') throw fail(`Unknown attribute "${label}"`);
  const container = resolved.schemaId === schema.core.id ? 'u.attributes' : member('u.attributes', resolved.schemaId);
  return jsonTarget(container, resolved.definition, sub, label, fail);
}

/** Locates a path inside `parent[...]`: a plain sub-attribute name of `parent`, read from `element`. */
export function resolveElementPath(parent: AttributeDefinition, element: string, path: AttributePath, fail: Fail): JsonTarget {
  const label = `${parent.name}[${labelOf(path)}]`;
  const attribute = findAttribute(parent.subAttributes ?? [], path.attribute);
  if (path.schema !== undefined || path.subAttribute !== undefined || !attribute) {
    throw fail(`Unknown sub-attribute in "${label}"`);
  }
  return { kind: 'json', label, container: element, attribute };
}

function scalarIn(holder: string, definition: AttributeDefinition, key: string | undefined): Scalar {
  const { type, caseExact } = definition;
  if (key === undefined) return { text: `(${holder} #>> '{}')`, json: holder, type, caseExact };
  return { text: `(${holder}->>${quote(key)})`, json: member(holder, key), type, caseExact };
}

/**
 * The scalar a comparison or sort on `target` reads. A complex attribute named without a
 * sub-attribute stands for its `value` (RFC 7644 §3.4.2.2); without one it cannot be compared.
 */
export function scalarAccess(target: Target, fail: Fail): ScalarAccess {
  if (target.kind === 'column') {
    const { scalar } = target;
    return { type: scalar.type, caseExact: scalar.caseExact, at: () => scalar };
  }
  const { attribute, container } = target;
  let leaf = target.sub;
  if (!leaf && attribute.type === 'complex') {
    leaf = findAttribute(attribute.subAttributes ?? [], 'value');
    if (!leaf) throw fail(`"${target.label}" is complex; name one of its sub-attributes`);
  }
  const json = member(container, attribute.name);
  const definition = leaf ?? attribute;
  const base = { type: definition.type, caseExact: definition.caseExact, attribute };
  if (attribute.multiValued) return { ...base, array: json, at: (element) => scalarIn(element, definition, leaf?.name) };
  return { ...base, at: () => (leaf ? scalarIn(json, leaf, leaf.name) : scalarIn(container, attribute, attribute.name)) };
}
