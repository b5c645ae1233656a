import { ScimError } from '@app/scim/errors/scim-error';

/** Reads If-Match (RFC 7644 §3.14): `W/"3"`, `"3"` or `*`; `*` and absence mean no precondition. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(header);
  if (!match) throw ScimError.preconditionFailed(`If-Match "${header}" does not name a version of this resource`);
  return Number(match[1]);
}
