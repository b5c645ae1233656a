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

/** Sub-attributes that say which kind of element a filter means (`type eq "work"`, `primary eq "True"`). */
const KIND_SELECTORS = new Set(['type', 'primary']);

/** Whether the filter is only `eq` comparisons on kind selectors joined by `and`: the filters Entra upserts with. */
function selectsByKind(filter: Filter): boolean {
  if (filter.kind === 'and') return selectsByKind(filter.left) && selectsByKind(filter.right);
  return filter.kind === 'compare' && filter.op === 'eq' && !filter.path.subAttribute && KIND_SELECTORS.has(filter.path.attribute.toLowerCase());
}

/**
 * Entra quirk (entra-id.md §2.5): add/replace on `attr[type eq "X"]` or `attr[type eq "X"].sub` with no
 * matching element creates one from the filter, where RFC 7644 §3.5.2.3 says noTarget. Only filters
 * that name a kind of element (type, primary) create one; a filter on values (`value eq "x"`) keeps
 * the RFC's noTarget. The new element matches the filter, so later operations with it land in it.
 * @throws ScimError noTarget when the filter names no kind of element, or no element built from it can match it.
 */
export function createElement(target: AttributeTarget, update: (element: unknown) => unknown): unknown {
  if (target.filter && !selectsByKind(target.filter)) {
    throw ScimError.noTarget(`No value of "${target.name}" matches the filter`);
  }
  const created = update(upsertTemplate(target.filter, target.definition));
  if (target.filter && !evaluateFilter(target.filter, created, target.definition)) {
    throw ScimError.noTarget(`No value of "${target.name}" matches the filter, and none can be created from it`);
  }
  return created;
}
