import { ScimError } from '../errors/scim-error';
import { Filter, FilterValue } from '../filter/filter-ast';
import { AttributeDefinition, findAttribute } from '../schema/attribute-definition';
import { coerceScalar } from '../schema/coerce-value';
import { evaluateFilter } from './evaluate-filter';
import { JsonObject } from './json-value';
import { AttributeTarget } from './resolve-target';

/**
 * The element an upsert starts from: the `eq` comparisons of the filter's top-level `and` chain,
 * coerced by sub-attribute type (`type eq "work"` → `{type: "work"}`, `primary eq "True"` →
 * `{primary: true}`). Other comparisons contribute nothing.
 */
export function upsertTemplate(filter: Filter | undefined, definition: AttributeDefinition): JsonObject {
  if (!filter) return {};
  if (filter.kind === 'and') {
    return { ...upsertTemplate(filter.left, definition), ...upsertTemplate(filter.right, definition) };
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) return {};
  if (filter.path.subAttribute !== undefined) return {};
  const sub = findAttribute(definition.subAttributes ?? [], filter.path.attribute);
  if (!sub || sub.type === 'complex') return {};
  const value = literalFor(sub, filter.value);
  return value === undefined ? {} : { [sub.name]: value };
}

function literalFor(sub: AttributeDefinition, literal: FilterValue): unknown {
  if (sub.type === 'string' || sub.type === 'reference' || sub.type === 'binary') return String(literal);
  try {
    return coerceScalar(sub, literal, sub.name);
  } catch {
    return undefined;
  }
}

/**
 * Entra quirk (entra-id.md §2.5): add/replace on `attr[filter]` or `attr[filter].sub` with no matching
 * element creates one from the filter instead of failing with noTarget as RFC 7644 §3.5.2.3 says. The
 * new element must match the filter, so later operations with the same filter land in it.
 * @throws ScimError noTarget when no element built from the filter can match it.
 */
export function createElement(target: AttributeTarget, update: (element: unknown) => unknown): unknown {
  const created = update(upsertTemplate(target.filter, target.definition));
  if (target.filter && !evaluateFilter(target.filter, created, target.definition)) {
    throw ScimError.noTarget(`No value of "${target.name}" matches the filter, and none can be created from it`);
  }
  return created;
}
