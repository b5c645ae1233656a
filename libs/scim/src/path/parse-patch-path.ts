import { ScimError } from '../errors/scim-error';
import { PatchPath } from '../filter/filter-ast';
import { ErrorFactory, tokenize } from '../filter/filter-lexer';
import { FilterParser, MAX_FILTER_LENGTH } from '../filter/filter-parser';

/**
 * Parses a PATCH operation's `path` (RFC 7644 §3.5.2 PATH): `attrPath`, `attrPath[valFilter]` or
 * `attrPath[valFilter].subAttr`, where attrPath may be URN-qualified (schema = text before the last
 * colon). The bracket part is an RFC 7644 §3.4.2.2 filter with the same Entra leniencies as
 * `parseFilter`. Leading and trailing whitespace is ignored; positions in details are 1-based.
 * @throws ScimError invalidPath (400) on any malformed path, including a malformed bracket filter,
 * and nothing else.
 */
export function parsePatchPath(text: string): PatchPath {
  if (typeof text !== 'string') throw ScimError.invalidPath('The path must be a string');
  if (text.length > MAX_FILTER_LENGTH) {
    throw ScimError.invalidPath(`The path is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  const fail: ErrorFactory = (detail) => ScimError.invalidPath(detail);
  const tokens = tokenize(text, fail);
  if (tokens.length === 1) throw ScimError.invalidPath('The path is empty');
  return new FilterParser(tokens, fail, 'path').parsePatchPathToEnd();
}
