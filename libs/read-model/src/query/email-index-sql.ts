import { Filter } from '@app/scim/filter/filter-ast';
import { JsonTarget } from './attribute-sql';

/**
 * The lower-cased value of every element of the row's emails, as the GIN index of migration
 * read-model-004 holds it; the text must stay identical to the index expression or the planner
 * cannot use the index.
 */
const EMAIL_VALUES = 'scim_email_values(u.attributes)';

/** Whether `target` is the core `emails` attribute of the row itself (the one the index covers). */
export function isIndexedEmails(target: JsonTarget): boolean {
  return target.container === 'u.attributes' && target.attribute.name === 'emails';
}

/**
 * The value every element selected by `filter` (inside `emails[...]`) must have, when the filter
 * requires one: `value eq X`, alone or in an `and`. Entra's `emails[type eq "work"].value eq X`
 * arrives as `emails[type eq "work" and value eq X]`.
 */
export function requiredEmailValue(filter: Filter): string | undefined {
  switch (filter.kind) {
    case 'compare': {
      const { path, op, value } = filter;
      const onValue = path.schema === undefined && path.subAttribute === undefined && path.attribute.toLowerCase() === 'value';
      return onValue && op === 'eq' && value !== null ? String(value) : undefined;
    }
    case 'and':
      return requiredEmailValue(filter.left) ?? requiredEmailValue(filter.right);
    default:
      return undefined;
  }
}

/**
 * A condition the index answers, put in front of the exact test: a row passes it when some email
 * value equals `placeholder` case-insensitively, which every row the exact test selects does.
 */
export function emailValueCondition(placeholder: string): string {
  return `${EMAIL_VALUES} @> ARRAY[lower(${placeholder})]`;
}
