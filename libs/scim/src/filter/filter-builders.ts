import { ScimError } from '../errors/scim-error';
import { AttributePath, CompareOperator, Filter, FilterValue } from './filter-ast';

/** RFC 7643 §2.1 ATTRNAME, plus a leading `$` so `$ref` is addressable. */
const ATTRIBUTE_NAME = /^[A-Za-z$][A-Za-z0-9_$-]*$/;
/** A schema URN (RFC 7644 §3.10): `urn:` then colon-separated segments; dots are allowed, as in `2.0`. */
const SCHEMA_URN = /^urn(?::[A-Za-z0-9._~%+=@!$&'*,;\/-]+)+$/i;

export type SplitAttributePathResult =
  | { readonly ok: true; readonly path: AttributePath }
  | { readonly ok: false; readonly reason: string };

/** Quotes user text for an error detail: escaped (no raw control characters) and truncated. */
export function quoteForDetail(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Whether `name` is a valid attribute or sub-attribute name (RFC 7643 §2.1 ATTRNAME, or `$ref`). */
export function isAttributeName(name: string): boolean {
  return ATTRIBUTE_NAME.test(name);
}

/**
 * Splits RFC 7644 §3.10 `attrPath` text (`[schema ":"] attribute ["." subAttribute]`) into its parts.
 * The schema is everything before the LAST colon, so `...:enterprise:2.0:User:manager.value` keeps the
 * dot of `2.0` inside the schema and splits only `manager.value`. Never throws.
 */
export function splitAttributePath(text: string): SplitAttributePathResult {
  if (text === '') return { ok: false, reason: 'the attribute path is empty' };
  const colon = text.lastIndexOf(':');
  const schema = colon >= 0 ? text.slice(0, colon) : undefined;
  if (schema !== undefined && !SCHEMA_URN.test(schema)) {
    return { ok: false, reason: `${quoteForDetail(schema)} is not a schema URN` };
  }
  const names = text.slice(colon + 1).split('.');
  if (names.length > 2) return { ok: false, reason: 'only one sub-attribute level is allowed' };
  const [attribute, subAttribute] = names;
  for (const name of names) {
    if (!isAttributeName(name)) return { ok: false, reason: `${quoteForDetail(name)} is not a valid attribute name` };
  }
  return {
    ok: true,
    path: {
      ...(schema !== undefined ? { schema } : {}),
      attribute,
      ...(subAttribute !== undefined ? { subAttribute } : {}),
    },
  };
}

/**
 * Builds an AttributePath from text such as `name.givenName` or
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` (RFC 7644 §3.10).
 * @throws ScimError invalidPath when the text is not an attribute path.
 */
export function attrPath(text: string): AttributePath {
  const result = splitAttributePath(text);
  if (!result.ok) throw ScimError.invalidPath(`Invalid attribute path ${quoteForDetail(text)}: ${result.reason}`);
  return result.path;
}

/** An AttributePath, or its text form as accepted by {@link attrPath}. */
export type PathInput = AttributePath | string;

function toPath(path: PathInput): AttributePath {
  return typeof path === 'string' ? attrPath(path) : path;
}

/** A comparison filter (RFC 7644 §3.4.2.2 Table 3). */
export function compare(path: PathInput, op: CompareOperator, value: FilterValue): Filter {
  return { kind: 'compare', path: toPath(path), op, value };
}

/** Comparison builders, one per RFC 7644 §3.4.2.2 operator. */
export const eq = (path: PathInput, value: FilterValue): Filter => compare(path, 'eq', value);
export const ne = (path: PathInput, value: FilterValue): Filter => compare(path, 'ne', value);
export const co = (path: PathInput, value: FilterValue): Filter => compare(path, 'co', value);
export const sw = (path: PathInput, value: FilterValue): Filter => compare(path, 'sw', value);
export const ew = (path: PathInput, value: FilterValue): Filter => compare(path, 'ew', value);
export const gt = (path: PathInput, value: FilterValue): Filter => compare(path, 'gt', value);
export const ge = (path: PathInput, value: FilterValue): Filter => compare(path, 'ge', value);
export const lt = (path: PathInput, value: FilterValue): Filter => compare(path, 'lt', value);
export const le = (path: PathInput, value: FilterValue): Filter => compare(path, 'le', value);

/** `path pr` (RFC 7644 §3.4.2.2): the attribute has a non-empty value. */
export function pr(path: PathInput): Filter {
  return { kind: 'present', path: toPath(path) };
}

/** Logical `and` (RFC 7644 §3.4.2.2 Table 4). */
export function and(left: Filter, right: Filter): Filter {
  return { kind: 'and', left, right };
}

/** Logical `or` (RFC 7644 §3.4.2.2 Table 4). */
export function or(left: Filter, right: Filter): Filter {
  return { kind: 'or', left, right };
}

/** Logical `not (...)` (RFC 7644 §3.4.2.2 Table 4). */
export function not(filter: Filter): Filter {
  return { kind: 'not', filter };
}

/** `path[filter]` (RFC 7644 §3.4.2.2 `valuePath`): the inner filter's paths are relative to each element. */
export function valuePath(path: PathInput, filter: Filter): Filter {
  return { kind: 'valuePath', path: toPath(path), filter };
}
