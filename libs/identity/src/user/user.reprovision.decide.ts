import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { requirePresent, userRef } from './present-user';
import { uniqueValueOf } from './unique-value';
import { isDeepEqual, requireUserName } from './user.decide';
import { UserEvent } from './user.events';
import { UserState } from './user.state';

/** An administrator's request: the user is hidden from its IdP until the IdP POSTs it again. */
export function decideRequestReprovision(state: UserState): UserEvent[] {
  const user = requirePresent(state);
  return user.awaitingReprovision ? [] : [{ type: 'ReprovisionRequested', data: userRef(user) }];
}

/**
 * Whether a POST of `attributes`, refused as a duplicate of this user, re-baselines the user instead:
 * the user awaits re-provisioning, or its IdP re-baselines matching POSTs, and the POST names the same
 * userName (case-insensitively) and the same externalId (exactly; both absent is the same).
 */
export function rebaselinesUser(state: UserState, attributes: UserAttributes, rebaselineMatchingPosts: boolean): boolean {
  if (state.status !== 'present' || !(state.awaitingReprovision || rebaselineMatchingPosts)) return false;
  const current = state.attributes;
  return uniqueValueOf('userName', current) === uniqueValueOf('userName', attributes) && uniqueValueOf('externalId', current) === uniqueValueOf('externalId', attributes);
}

/**
 * Re-baselines the user to exactly the POSTed attributes: what the POST omits is cleared, `active`
 * is as sent or true (a fresh POST provisions an active user). Nothing happens when a user not
 * awaiting re-provisioning already has exactly these attributes.
 */
export function decideRebaseline(state: UserState, attributes: UserAttributes): UserEvent[] {
  const user = requirePresent(state);
  requireUserName(attributes);
  const rebaselined = { ...attributes, active: attributes.active ?? true };
  if (!user.awaitingReprovision && isDeepEqual(rebaselined, user.attributes)) return [];
  return [{ type: 'UserReprovisioned', data: { ...userRef(user), attributes: rebaselined } }];
}
