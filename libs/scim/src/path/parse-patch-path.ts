import { ScimError } from '../errors/scim-error';
import { PatchPath } from '../filter/filter-ast';
import { ErrorFactory, tokenize } from '../filter/filter-lexer';
import { checkFilterLength, FilterLimits, FilterParser } from '../filter/filter-parser';
import { DEFAULT_SCIM_LIMITS } from '../limits/scim-limits';

/**
 * Parses a PATCH operation's `path` (RFC 7644 §3.5.2 PATH): `attrPath`, `attrPath[valFilter]` or
 * `attrPath[valFilter].subAttr`, where attrPath may be URN-qualified (schema = text before the last
 * colon). The bracket part is an RFC 7644 §3.4.2.2 filter with the same Entra leniencies as
 * `parseFilter`. Leading and trailing whitespace is ignored; positions in details are 1-based.
 * @param limits length, node count and nesting depth allowed, as for a filter.
 * @throws ScimError invalidPath (400) on any malformed path, including a malformed bracket filter;
 * invalidFilter when the path exceeds a filter limit; nothing else.
 */
export function parsePatchPath(text: string, limits: FilterLimits = DEFAULT_SCIM_LIMITS): PatchPath {
  if (typeof text !== 'string') throw ScimError.invalidPath('The path must be a string');
  checkFilterLength(text, limits, 'path');
  const fail: ErrorFactory = (detail) => ScimError.invalidPath(detail);
  const tokens = tokenize(text, fail);
  if (tokens.length === 1) throw ScimError.invalidPath('The path is empty');
  return new FilterParser(tokens, fail, 'path', limits).parsePatchPathToEnd();
}
