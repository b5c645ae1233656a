import { ScimError } from '@app/scim/errors/scim-error';
import type { ScimLimits } from '@app/scim/limits/scim-limits';
import { applyPatch, PatchOperation } from '@app/scim/patch/apply-patch';
import type { UserSchema } from '@app/scim/schema/user-schema';
import { requirePresent, userRef } from './present-user';
import { UserEvent } from './user.events';
import { UserState } from './user.state';

/** An administrator's clear: SCIM attribute paths (RFC 7644 §3.5.2 `path`) whose values go. */
export interface ClearAttributes {
  readonly schema: UserSchema;
  readonly paths: readonly string[];
  readonly limits: ScimLimits;
}

/**
 * Removes the values at `paths` with the PATCH engine (one `remove` per path, all or nothing), for
 * what Entra never clears. No event when nothing was there; `cleared` names the paths that removed
 * something. `active` is not cleared: removing it would reactivate a deactivated user.
 * @throws ScimError invalidPath (no path, an unknown or unregistered attribute, a malformed path, `active`),
 * invalidValue (userName), DomainError USER_NOT_FOUND.
 */
export function decideClear(state: UserState, command: ClearAttributes): { events: UserEvent[]; cleared: string[] } {
  const user = requirePresent(state);
  if (command.paths.length === 0) throw ScimError.invalidPath('Name at least one attribute path to clear');
  const removals = command.paths.map((path): PatchOperation => ({ op: 'remove', path }));
  const { changes, dropped } = applyPatch(command.schema, user.attributes, removals, command.limits);
  // A PATCH skips names the IdP has not registered (Entra sends them); an administrator naming one has mistyped it.
  if (dropped.length > 0) throw ScimError.invalidPath(`Not an attribute of this identity provider's users: ${dropped.join(', ')}`);
  if (changes.some((change) => change.attribute === 'active')) throw ScimError.invalidPath('"active" is not cleared: deactivate the user instead');
  const cleared = command.paths.filter((path) => applyPatch(command.schema, user.attributes, [{ op: 'remove', path }], command.limits).changes.length > 0);
  const events: UserEvent[] = changes.length > 0 ? [{ type: 'AttributesCleared', data: { ...userRef(user), changes } }] : [];
  return { events, cleared };
}
