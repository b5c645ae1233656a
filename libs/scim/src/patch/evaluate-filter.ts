import { AttributePath, CompareOperator, Filter, FilterValue } from '../filter/filter-ast';
import { AttributeDefinition, findAttribute } from '../schema/attribute-definition';
import { isPlainObject, memberOf } from './json-value';

interface Operand {
  readonly definition?: AttributeDefinition;
  readonly value: unknown;
}

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['false', false],
]);

/**
 * Evaluates a value filter (the `[...]` of an RFC 7644 §3.5.2 PATH, grammar of RFC 7644 §3.4.2.2)
 * against one element of the attribute `definition`. Paths in the filter name sub-attributes of the
 * element (`type`, `primary`); for a multi-valued attribute of simple values, `value` is the element.
 * Strings compare case-insensitively unless the sub-attribute is caseExact; a boolean sub-attribute
 * compared with the string "True"/"False" (Entra's `roles[primary eq "True"]`) coerces the literal.
 * Unknown sub-attributes are treated as absent.
 */
export function evaluateFilter(filter: Filter, element: unknown, definition: AttributeDefinition): boolean {
  switch (filter.kind) {
    case 'and':
      return evaluateFilter(filter.left, element, definition) && evaluateFilter(filter.right, element, definition);
    case 'or':
      return evaluateFilter(filter.left, element, definition) || evaluateFilter(filter.right, element, definition);
    case 'not':
      return !evaluateFilter(filter.filter, element, definition);
    case 'present':
      return someValue(operand(filter.path, element, definition).value, isPresent);
    case 'compare': {
      const { definition: sub, value } = operand(filter.path, element, definition);
      return compare(filter.op, sub, value, filter.value);
    }
    case 'valuePath': {
      const { definition: sub, value } = operand(filter.path, element, definition);
      if (!sub) return false;
      return someValue(value, (item) => evaluateFilter(filter.filter, item, sub));
    }
  }
}

function operand(path: AttributePath, element: unknown, definition: AttributeDefinition): Operand {
  if (definition.type !== 'complex') {
    const isValue = path.attribute.toLowerCase() === 'value' && path.subAttribute === undefined;
    return isValue ? { definition: { ...definition, multiValued: false }, value: element } : { value: undefined };
  }
  const sub = findAttribute(definition.subAttributes ?? [], path.attribute);
  const value = isPlainObject(element) ? memberOf(element, sub?.name ?? path.attribute) : undefined;
  if (path.subAttribute === undefined) return { definition: sub, value };
  if (sub?.type !== 'complex') return { value: undefined };
  const nested = findAttribute(sub.subAttributes ?? [], path.subAttribute);
  const name = nested?.name ?? path.subAttribute;
  const read = (item: unknown) => (isPlainObject(item) ? memberOf(item, name) : undefined);
  return { definition: nested, value: Array.isArray(value) ? value.map(read) : read(value) };
}

function someValue(value: unknown, test: (item: unknown) => boolean): boolean {
  return Array.isArray(value) ? value.some(test) : test(value);
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return !isPlainObject(value) || Object.keys(value).length > 0;
}

function compare(
  op: CompareOperator,
  definition: AttributeDefinition | undefined,
  actual: unknown,
  literal: FilterValue,
): boolean {
  if (Array.isArray(actual)) {
    if (op === 'ne') return !actual.some((a) => compare('eq', definition, a, literal));
    return actual.some((a) => compare(op, definition, a, literal));
  }
  if (literal === null) return op === 'eq' ? !isPresent(actual) : op === 'ne' && isPresent(actual);
  if (!isPresent(actual)) return op === 'ne';
  switch (definition?.type ?? 'string') {
    case 'complex':
      return false;
    case 'boolean': {
      const [a, b] = [toBoolean(actual), toBoolean(literal)];
      if (a === undefined || b === undefined) return op === 'ne';
      return op === 'eq' ? a === b : op === 'ne' && a !== b;
    }
    case 'integer':
    case 'decimal':
      return ordered(op, toNumber(actual), toNumber(literal));
    case 'dateTime': {
      const [a, b] = [Date.parse(String(actual)), Date.parse(String(literal))];
      if (!Number.isNaN(a) && !Number.isNaN(b) && !['co', 'sw', 'ew'].includes(op)) return ordered(op, a, b);
      return compareStrings(op, String(actual), String(literal), true);
    }
    default:
      return compareStrings(op, String(actual), String(literal), definition?.caseExact ?? false);
  }
}

function compareStrings(op: CompareOperator, actual: string, literal: string, caseExact: boolean): boolean {
  const [a, b] = caseExact ? [actual, literal] : [actual.toLowerCase(), literal.toLowerCase()];
  if (op === 'co') return a.includes(b);
  if (op === 'sw') return a.startsWith(b);
  if (op === 'ew') return a.endsWith(b);
  return ordered(op, a, b);
}

function ordered<T extends number | string>(op: CompareOperator, a: T, b: T): boolean {
  if (typeof a === 'number' && (Number.isNaN(a) || Number.isNaN(b))) return op === 'ne';
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' ? BOOLEANS.get(value.trim().toLowerCase()) : undefined;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
}
