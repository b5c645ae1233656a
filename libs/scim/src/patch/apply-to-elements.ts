import { ScimError } from '../errors/scim-error';
import { coerceAttributeValue, coerceElement } from '../schema/coerce-value';
import { EditContext } from './attribute-draft';
import { complexMerger, isPrimary, settlePrimary } from './complex-value';
import { evaluateFilter } from './evaluate-filter';
import { isEmptyInput, isPlainObject, without } from './json-value';
import { PatchKind } from './patch-types';
import { AttributeTarget } from './resolve-target';
import { createElement } from './upsert';

/**
 * Applies an operation to the values selected by `attr[filter]`, `attr[filter].sub` or (no filter)
 * `multiValuedAttr.sub` (RFC 7644 §3.5.2.1–3). Removing selects and deletes; add and replace update
 * each selected value, or create one when none matches (Entra upsert, see {@link createElement}).
 * A single-valued complex attribute is treated as a list of at most one value.
 */
export function applyToElements(context: EditContext, kind: PatchKind, target: AttributeTarget, value: unknown): void {
  const { draft, log } = context;
  const { definition, filter, sub } = target;
  const current = draft.get(target);
  const elements: unknown[] = definition.multiValued
    ? Array.isArray(current) ? [...current] : []
    : current === undefined ? [] : [current];
  if (filter) context.work.spend(elements.length);
  const selects = (element: unknown) => !filter || evaluateFilter(filter, element, definition);
  const matched = new Set(elements.flatMap((element, i) => (selects(element) ? [i] : [])));
  let next: unknown[];
  if (kind === 'remove' || isEmptyInput(value)) {
    next = sub
      ? elements.map((element, i) => (matched.has(i) ? without(element, sub.name) : element))
      : elements.filter((_, i) => !matched.has(i));
  } else {
    const update = elementUpdate(target, value, log);
    if (matched.size > 0) {
      next = elements.map((element, i) => (matched.has(i) ? update(element) : element));
    } else {
      if (elements.length > 0 && !definition.multiValued) {
        throw ScimError.noTarget(`The value of "${target.name}" does not match the filter`);
      }
      next = [...elements, createElement(target, update)];
      matched.add(next.length - 1);
    }
    const promoted = [...matched].filter((i) => !isPrimary(elements[i]) && isPrimary(next[i]));
    next = settlePrimary(definition, next, new Set(promoted));
  }
  draft.set(target, definition.multiValued ? next : next[0]);
}

function elementUpdate(target: AttributeTarget, value: unknown, log: EditContext['log']): (element: unknown) => unknown {
  const { definition, sub } = target;
  if (sub) {
    const coerced = coerceAttributeValue(sub, value, `${target.name}.${sub.name}`, log);
    return (element) => ({ ...(isPlainObject(element) ? element : {}), [sub.name]: coerced });
  }
  if (definition.type === 'complex') return complexMerger(definition, value, target.name, log);
  const coerced = coerceElement(definition, value, target.name, log);
  return () => coerced;
}
