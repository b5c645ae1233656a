import type { UniqueClaim } from '@app/event-store/command-handling/unique-claim';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { UniqueValue, uniqueValueChanges } from '@app/identity/user/unique-value';
import type { UserState } from '@app/identity/user/user.state';

/** A claim on one of a user's unique values (userName case-insensitively, externalId exactly, per IdP). */
export interface UserClaim extends UniqueClaim, UniqueValue {}

/** The claims a user's change takes and gives back. */
export function userClaims(providerId: string, userId: string, before: UserState, after: UserState): { claim: UserClaim[]; release: UserClaim[] } {
  const { take, giveBack } = uniqueValueChanges(attributesOf(before), attributesOf(after));
  const toClaim = (unique: UniqueValue): UserClaim => {
    const data = { providerId, kind: unique.kind, userId };
    const key = unique.kind === 'userName' ? StreamIds.userNameReservation(providerId, unique.value) : StreamIds.externalIdReservation(providerId, unique.value);
    return { ...unique, key, reserved: { type: 'UniqueValueReserved', data }, released: { type: 'UniqueValueReleased', data } };
  };
  return { claim: take.map(toClaim), release: giveBack.map(toClaim) };
}

export function attributesOf(state: UserState) {
  return state.status === 'present' ? state.attributes : undefined;
}
