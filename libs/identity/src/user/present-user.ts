import { DomainError } from '../shared/domain-error';
import { UserState } from './user.state';

export type PresentUser = Extract<UserState, { status: 'present' }>;

export function requirePresent(state: UserState): PresentUser {
  if (state.status !== 'present') throw new DomainError('USER_NOT_FOUND', 'User not found');
  return state;
}

/** A user its IdP can address: one awaiting re-provisioning is hidden from it until its next POST. */
export function requireVisible(state: UserState): PresentUser {
  const user = requirePresent(state);
  if (user.awaitingReprovision) throw new DomainError('USER_NOT_FOUND', 'User not found');
  return user;
}

export function userRef(user: PresentUser) {
  return { providerId: user.providerId, userId: user.userId };
}
