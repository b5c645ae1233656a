import { applyPatch } from '@app/scim/patch/apply-patch';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { DomainError } from '../shared/domain-error';
import { PresentUser, requirePresent, requireVisible, userRef as ref } from './present-user';
import { PatchUser, ProvisionUser, ReplaceUser } from './user.commands';
import { UserEvent } from './user.events';
import { replacedAttributes, UserState } from './user.state';

export function decideProvision(state: UserState, command: ProvisionUser): UserEvent[] {
  if (state.status !== 'absent') throw new DomainError('USER_ALREADY_EXISTS', `User ${command.userId} already exists`);
  requireUserName(command.attributes);
  const { providerId, userId, attributes } = command;
  return [{ type: 'UserProvisioned', data: { providerId, userId, attributes } }];
}

/** PUT replaces every attribute (not of a user awaiting re-provisioning: hidden from its IdP); `active` is kept when not sent, and its flips are their own events. */
export function decideReplace(state: UserState, command: ReplaceUser): UserEvent[] {
  const user = requireVisible(state);
  requireUserName(command.attributes);
  const activity = command.attributes.active === undefined ? [] : activityEvents(user, command.attributes.active);
  const { active: _flipped, ...withoutActive } = command.attributes;
  const attributes = activity.length > 0 ? withoutActive : command.attributes;
  const after = replacedAttributes(user.attributes, attributes);
  const replaced: UserEvent[] = isDeepEqual(after, user.attributes) ? [] : [{ type: 'UserReplaced', data: { ...ref(user), attributes } }];
  return [...replaced, ...activity];
}

/** Applies a SCIM PATCH (not to a user awaiting re-provisioning); no events when nothing changes (Entra re-sends unchanged values). */
export function decidePatch(state: UserState, command: PatchUser): { events: UserEvent[]; dropped: readonly string[] } {
  const user = requireVisible(state);
  const result = applyPatch(command.schema, user.attributes, command.operations, command.limits);
  requireUserName(result.attributes);
  const activity = activityEvents(user, result.attributes.active);
  // A flip is its own event. Removing `active` from a deactivated user reactivates them, and the
  // removal itself is still a change, recorded after the flip so that the attribute ends up absent.
  const flagRemoved = result.attributes.active === undefined;
  const changes = activity.length > 0 && !flagRemoved ? result.changes.filter((c) => c.attribute !== 'active') : result.changes;
  const patched: UserEvent[] = changes.length > 0 ? [{ type: 'AttributesPatched', data: { ...ref(user), changes } }] : [];
  return { events: flagRemoved ? [...activity, ...patched] : [...patched, ...activity], dropped: result.dropped };
}

/** Also deletes a user awaiting re-provisioning: the IdP asked for it, and a deleted user leaves nothing to re-baseline. */
export function decideDelete(state: UserState): UserEvent[] {
  const user = requirePresent(state);
  return [{ type: 'UserDeleted', data: ref(user) }];
}

function activityEvents(user: PresentUser, active: unknown): UserEvent[] {
  const wasActive = user.attributes.active !== false;
  if (active === false && wasActive) return [{ type: 'UserDeactivated', data: ref(user) }];
  // A user without `active` is active, so removing it from a deactivated user reactivates them.
  if (active !== false && user.attributes.active === false) return [{ type: 'UserReactivated', data: ref(user) }];
  return [];
}

export function requireUserName(attributes: UserAttributes): void {
  const userName = attributes.userName;
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw new DomainError('USER_NAME_REQUIRED', 'userName is required and must be a non-empty string');
  }
}

export function isDeepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
