import { applyChanges } from '@app/scim/patch/apply-patch';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { UserEvent } from './user.events';

export type UserState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'present';
      readonly providerId: string;
      readonly userId: string;
      readonly attributes: UserAttributes;
      /** An administrator asked for re-provisioning: the IdP does not see the user until its next POST for it. */
      readonly awaitingReprovision: boolean;
    }
  | { readonly status: 'deleted' };

export const initialUserState: UserState = { status: 'absent' };

/** Folds one event into the user's state; pure, and the read-model projection reuses it. */
export function evolveUser(state: UserState, event: UserEvent): UserState {
  const { providerId, userId } = event.data;
  switch (event.type) {
    case 'UserProvisioned':
      return { status: 'present', providerId, userId, attributes: event.data.attributes, awaitingReprovision: false };
    case 'UserDeleted':
      return { status: 'deleted' };
  }
  if (state.status !== 'present') return state;
  switch (event.type) {
    case 'AttributesPatched':
    case 'AttributesCleared':
      return { ...state, attributes: applyChanges(state.attributes, event.data.changes) };
    case 'UserReplaced':
      return { ...state, attributes: replacedAttributes(state.attributes, event.data.attributes) };
    case 'UserDeactivated':
      return { ...state, attributes: { ...state.attributes, active: false } };
    case 'UserReactivated':
      return { ...state, attributes: { ...state.attributes, active: true } };
    case 'ReprovisionRequested':
      return { ...state, awaitingReprovision: true };
    case 'UserReprovisioned':
      return { ...state, attributes: event.data.attributes, awaitingReprovision: false };
  }
}

/** A PUT without `active` keeps the current one (an omitted flag must not deactivate anyone). */
export function replacedAttributes(current: UserAttributes, replacement: UserAttributes): UserAttributes {
  if (replacement.active !== undefined || current.active === undefined) return replacement;
  return { ...replacement, active: current.active };
}

export function foldUser(events: readonly UserEvent[]): UserState {
  return events.reduce(evolveUser, initialUserState);
}
