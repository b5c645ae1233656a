import type { TokenScope } from '@app/identity/identity-provider/token-scopes';
import { ScimError } from '@app/scim/errors/scim-error';

/** RFC 6750 §3: a request without valid credentials is told which scheme (and realm) to use. */
export function unauthorized(detail: string): ScimError {
  return new ScimError(401, detail, undefined, undefined, { 'WWW-Authenticate': 'Bearer realm="scim"' });
}

/** RFC 6750 §3.1: a valid token without the scope the request needs; the error names it. */
export function insufficientScope(scope: TokenScope): ScimError {
  return new ScimError(403, `insufficient scope: this request needs a token with the scope ${scope}`, undefined, undefined, {
    'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"`,
  });
}
