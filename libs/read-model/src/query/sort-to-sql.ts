import { ScimError } from '@app/scim/errors/scim-error';
import { AttributePath } from '@app/scim/filter/filter-ast';
import { splitAttributePath } from '@app/scim/filter/filter-builders';
import { findAttribute } from '@app/scim/schema/attribute-definition';
import { UserSchema } from '@app/scim/schema/user-schema';
import { Scalar, ScalarAccess, elements, resolveRootPath, scalarAccess, typedSql } from './attribute-sql';

const fail = (detail: string) => ScimError.invalidValue(detail);

/** `sortBy` as written: `attr`, `attr.sub`, or either prefixed with a schema URN (RFC 7644 §3.10). */
function parseSortPath(sortBy: string): AttributePath {
  const result = splitAttributePath(sortBy.trim());
  if (!result.ok) throw fail(`sortBy "${sortBy}" is not an attribute path: ${result.reason}`);
  return result.path;
}

function isDescending(sortOrder: string | undefined): boolean {
  const order = sortOrder?.trim().toLowerCase();
  if (order === undefined || order === '' || order === 'ascending') return false;
  if (order === 'descending') return true;
  throw fail(`sortOrder must be "ascending" or "descending", not "${sortOrder}"`);
}

function orderValue(scalar: Scalar): string {
  if (scalar.type === 'string' || scalar.type === 'reference' || scalar.type === 'binary') {
    return scalar.caseExact ? scalar.text : `lower(${scalar.text})`;
  }
  return typedSql(scalar);
}

function sortKey(access: ScalarAccess): string {
  const textual = access.type === 'string' || access.type === 'reference' || access.type === 'binary';
  const collate = textual ? ' COLLATE "C"' : '';
  if (access.array === undefined) return `${orderValue(access.at(''))}${collate}`;
  // RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value, else by its first one.
  const hasPrimary = access.attribute && findAttribute(access.attribute.subAttributes ?? [], 'primary');
  const primaryFirst = hasPrimary ? `(s0.v->'primary' = 'true'::jsonb) DESC NULLS LAST, ` : '';
  const value = orderValue(access.at('s0.v'));
  return `(SELECT ${value} FROM ${elements(access.array, 's0', true)} ORDER BY ${primaryFirst}s0.n LIMIT 1)${collate}`;
}

/**
 * Compiles `sortBy`/`sortOrder` (RFC 7644 §3.4.2.3) into an ORDER BY list (without the keyword) over
 * a `scim_users` row aliased `u`. Strings sort case-insensitively unless caseExact, in code-point
 * order; rows without a value come last ascending and first descending; `u.user_id` always breaks
 * ties, in the same direction, so descending is the exact reverse of ascending and paging is stable.
 * Without `sortBy` the order is `u.user_id` ascending. An unknown or non-sortable `sortBy` and a
 * `sortOrder` other than ascending/descending (any case) throw `ScimError.invalidValue`.
 */
export function compileSort(schema: UserSchema, sortBy: string | undefined, sortOrder: string | undefined): string {
  const descending = isDescending(sortOrder);
  if (sortBy === undefined || sortBy.trim() === '') return 'u.user_id ASC';
  const access = scalarAccess(resolveRootPath(schema, parseSortPath(sortBy), fail), fail);
  const key = sortKey(access);
  return descending ? `${key} DESC NULLS FIRST, u.user_id DESC` : `${key} ASC NULLS LAST, u.user_id ASC`;
}
