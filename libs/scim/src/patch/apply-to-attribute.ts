import { AttributeDefinition } from '../schema/attribute-definition';
import { DropLog, coerceAttributeValue } from '../schema/coerce-value';
import { EditContext } from './attribute-draft';
import { applyToElements } from './apply-to-elements';
import { complexMerger, settlePrimary } from './complex-value';
import { containsValue, deepEqual, isEmptyInput, isPlainObject, without } from './json-value';
import { PatchKind } from './patch-types';
import { PatchWork } from './patch-work';
import { AttributeTarget } from './resolve-target';

/**
 * Applies one add, replace or remove (RFC 7644 §3.5.2.1–3) to a resolved attribute target:
 * - add: single-valued → set (complex: merge sub-attributes); multi-valued → append values not
 *   already present (deep-equal).
 * - replace: single-valued → set (complex: merge, RFC 7644 §3.5.2.3); multi-valued → replace all.
 * - remove: delete; for a multi-valued attribute with a `value`, delete only the values that contain
 *   each given value (Entra's default-mode member removal shape).
 * null, "" or [] on add/replace means remove (Entra's "replace with empty"); add of nothing to a
 * multi-valued attribute changes nothing.
 */
export function applyToAttribute(context: EditContext, kind: PatchKind, target: AttributeTarget, value: unknown): void {
  const { draft, log, work } = context;
  const { definition, sub } = target;
  if (target.filter || (sub && definition.multiValued)) return applyToElements(context, kind, target, value);
  const current = draft.get(target);
  if (sub) return draft.set(target, withSubAttribute(target, sub, current, kind === 'remove' ? undefined : value, log));
  if (kind === 'remove') return draft.set(target, removeMatching(target, current, value, log, work));
  if (isEmptyInput(value)) {
    if (!(definition.multiValued && kind === 'add')) draft.set(target, undefined);
    return;
  }
  if (definition.multiValued) {
    const items = (coerceAttributeValue(definition, value, target.name, log) as unknown[] | undefined) ?? [];
    const all = new Set(items.keys());
    return draft.set(target, kind === 'add' ? appendNew(definition, current, items, work) : settlePrimary(definition, items, all));
  }
  if (definition.type === 'complex') return draft.set(target, complexMerger(definition, value, target.name, log)(current));
  draft.set(target, coerceAttributeValue(definition, value, target.name, log));
}

function withSubAttribute(
  target: AttributeTarget,
  sub: AttributeDefinition,
  current: unknown,
  value: unknown,
  log: DropLog,
): unknown {
  if (value === undefined || isEmptyInput(value)) return without(current, sub.name);
  const coerced = coerceAttributeValue(sub, value, `${target.name}.${sub.name}`, log);
  return { ...(isPlainObject(current) ? current : {}), [sub.name]: coerced };
}

function appendNew(definition: AttributeDefinition, current: unknown, items: readonly unknown[], work: PatchWork): unknown[] {
  const values = Array.isArray(current) ? [...current] : current === undefined ? [] : [current];
  const touched = new Set<number>();
  // Settling the incoming values first keeps a repeated add idempotent when it carries two primaries.
  for (const item of settlePrimary(definition, items, new Set(items.keys()))) {
    work.spend(values.length);
    if (!values.some((existing) => deepEqual(existing, item))) touched.add(values.push(item) - 1);
  }
  return settlePrimary(definition, values, touched);
}

function removeMatching(target: AttributeTarget, current: unknown, value: unknown, log: DropLog, work: PatchWork): unknown {
  if (!target.definition.multiValued || value === undefined || isEmptyInput(value)) return undefined;
  const patterns = coerceAttributeValue(target.definition, value, target.name, log);
  if (!Array.isArray(patterns) || !Array.isArray(current)) return current;
  work.spend(patterns.length * current.length);
  return current.filter((element) => !patterns.some((pattern) => containsValue(element, pattern)));
}
