import { UniqueValue, uniqueValueOf } from './unique-value';
import { UserState } from './user.state';

/** A claim whose holder wrote nothing for this long was left by a crash between the claim and the holder's write. */
export const CLAIM_IN_FLIGHT_MS = 30_000;

/** What is known of a claim's holder when another user asks for the value. */
export interface ClaimHolder {
  /** The holder's state, folded from its stream. */
  readonly state: UserState;
  /** Whether the holder's stream has an event recorded after the claim. */
  readonly wroteSinceClaim: boolean;
  /** How long ago the claim was made. */
  readonly claimAgeMs: number;
}

/**
 * Whether a claim still binds its value. It does while the holder is present with the value, and
 * while the holder's write may still be in flight (nothing written since the claim, for less than
 * CLAIM_IN_FLIGHT_MS). It is stale, and may be taken over, when the holder is deleted, wrote since
 * without taking the value (a rename that went elsewhere), or never wrote in time (a crash).
 */
export function claimStillBinds(claimed: UniqueValue, holder: ClaimHolder): boolean {
  if (holder.state.status === 'deleted') return false;
  if (holder.state.status === 'present' && uniqueValueOf(claimed.kind, holder.state.attributes) === claimed.value) return true;
  return !holder.wroteSinceClaim && holder.claimAgeMs < CLAIM_IN_FLIGHT_MS;
}
