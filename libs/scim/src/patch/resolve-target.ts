import { ScimError } from '../errors/scim-error';
import { Filter, PatchPath } from '../filter/filter-ast';
import { AttributeDefinition, findAttribute } from '../schema/attribute-definition';
import { ENTERPRISE_USER_SCHEMA_ID } from '../schema/enterprise-user.schema';
import { UserSchema, isPlainAttributeName } from '../schema/user-schema';

/** An attribute of the User resource type, with the schema (core or extension URN) that holds it. */
export interface AttributeTarget {
  readonly kind: 'attribute';
  readonly schemaId: string;
  readonly definition: AttributeDefinition;
  /** Core name or `<extension URN>:<name>`, canonical, as {@link AttributeChange} names it. */
  readonly name: string;
  readonly filter?: Filter;
  readonly sub?: AttributeDefinition;
}

/** Where a PATCH path points: one attribute, a whole extension, or something we skip and report. */
export type Target =
  | AttributeTarget
  | { readonly kind: 'extension'; readonly schemaId: string }
  | { readonly kind: 'dropped'; readonly name: string };

/** Members of a resource that the server owns (RFC 7643 §3.1); not attributes of the User schema. */
const SERVER_OWNED = new Set(['id', 'meta', 'schemas']);

/**
 * Resolves a parsed PATCH path (RFC 7644 §3.5.2) against the schema, case-insensitively, checking
 * mutability (RFC 7644 §3.5.2: readOnly targets fail with `mutability`). Custom attributes the IdP
 * has not registered (full URN names, and bare names of the plain form) and the writeOnly password
 * are returned as `dropped`, not as errors.
 * @throws ScimError invalidPath for unknown URN-qualified core/enterprise attributes, unknown
 * sub-attributes, sub-attributes or value filters of unknown attributes, names no attribute can have,
 * or a filter on a simple single-valued attribute; mutability for readOnly or server-owned targets.
 */
export function resolveTarget(schema: UserSchema, path: PatchPath): Target {
  const written = path.schema === undefined ? path.attribute : `${path.schema}:${path.attribute}`;
  const extension = path.schema === undefined ? undefined : schema.extension(written);
  if (extension) {
    if (path.filter || path.subAttribute !== undefined) {
      throw ScimError.invalidPath(`"${written}" is a schema, not an attribute`);
    }
    return { kind: 'extension', schemaId: extension.id };
  }
  let schemaId: string | undefined;
  let attributeName = path.attribute;
  if (path.schema !== undefined) {
    const split = schema.splitUrn(written);
    if (!split) return { kind: 'dropped', name: written };
    ({ schemaId, rest: attributeName } = split);
  }
  if ((schemaId === undefined || schemaId === schema.core.id) && SERVER_OWNED.has(attributeName.toLowerCase())) {
    throw ScimError.mutability(`"${attributeName}" is set by the service provider and cannot be modified`);
  }
  const found = schema.resolve(schemaId, attributeName);
  // A write by bare name lands at the top level (or in the enterprise extension: Entra sends
  // `manager` so), never inside a custom extension: read back there, Entra would not find it and
  // would send it again on every cycle. Unqualified, a custom extension attribute is not written.
  const resolved = schemaId === undefined && found && isCustomExtension(schema, found.schemaId) ? undefined : found;
  if (!resolved) {
    if (schemaId !== undefined && isCustomExtension(schema, schemaId)) {
      return { kind: 'dropped', name: `${schemaId}:${attributeName}` };
    }
    // A bare name that could be a plain custom attribute (JobCode in Entra's customappsso list) but
    // is not registered, or was retired: skipped like an unregistered extension attribute, so one
    // such value does not fail the rest of Entra's (possibly folded) PATCH.
    if (schemaId === undefined && path.subAttribute === undefined && !path.filter && isPlainAttributeName(attributeName)) {
      return { kind: 'dropped', name: attributeName };
    }
    throw ScimError.invalidPath(`"${written}" is not an attribute of the User resource`);
  }
  const { definition } = resolved;
  const name = resolved.schemaId === schema.core.id ? definition.name : `${resolved.schemaId}:${definition.name}`;
  if (definition.mutability === 'writeOnly') return { kind: 'dropped', name };
  if (definition.mutability === 'readOnly') throw ScimError.mutability(`"${name}" is readOnly`);
  const sub = path.subAttribute === undefined ? undefined : resolveSubAttribute(definition, name, path.subAttribute);
  if (path.filter) checkFilter(definition, name, path.filter);
  return {
    kind: 'attribute',
    schemaId: resolved.schemaId,
    definition,
    name,
    ...(path.filter ? { filter: path.filter } : {}),
    ...(sub ? { sub } : {}),
  };
}

function isCustomExtension(schema: UserSchema, schemaId: string): boolean {
  return schemaId !== schema.core.id && schemaId !== ENTERPRISE_USER_SCHEMA_ID;
}

function resolveSubAttribute(definition: AttributeDefinition, name: string, subName: string): AttributeDefinition {
  const sub = definition.type === 'complex' ? findAttribute(definition.subAttributes ?? [], subName) : undefined;
  if (!sub) throw ScimError.invalidPath(`"${name}" has no sub-attribute "${subName}"`);
  if (sub.mutability === 'readOnly') throw ScimError.mutability(`"${name}.${sub.name}" is readOnly`);
  return sub;
}

/** A value filter must name sub-attributes of the filtered attribute (RFC 7644 §3.5.2 valuePath). */
function checkFilter(definition: AttributeDefinition, name: string, filter: Filter): void {
  if (!definition.multiValued && definition.type !== 'complex') {
    throw ScimError.invalidPath(`"${name}" is single-valued and cannot take a value filter`);
  }
  switch (filter.kind) {
    case 'and':
    case 'or':
      checkFilter(definition, name, filter.left);
      checkFilter(definition, name, filter.right);
      return;
    case 'not':
      checkFilter(definition, name, filter.filter);
      return;
    default: {
      const { attribute, subAttribute } = filter.path;
      const known =
        definition.type === 'complex'
          ? findAttribute(definition.subAttributes ?? [], attribute)
          : attribute.toLowerCase() === 'value' ? definition : undefined;
      const nested =
        subAttribute === undefined || (known?.type === 'complex' && findAttribute(known.subAttributes ?? [], subAttribute));
      if (!known || !nested) {
        throw ScimError.invalidPath(`The filter on "${name}" names an unknown sub-attribute "${attribute}"`);
      }
      if (filter.kind === 'valuePath') checkFilter(known, `${name}.${known.name}`, filter.filter);
    }
  }
}
