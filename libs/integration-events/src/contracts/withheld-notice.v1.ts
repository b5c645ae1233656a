import type { EventReference, IntegrationMessage, UserLifecycleEventV1, Withholding } from './user-lifecycle.v1';

/** The header that marks a withheld notice; its value is the reason. A CloudEvents extension attribute. */
export const WITHHELD_HEADER = 'ce_withheld';

/** Broker error codes that mean "too large": the notice then says too-large rather than refused. */
const SIZE_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/** Over the relay's own limit: withheld without asking the broker. */
export function overLimit(event: EventReference, bytes: number, limit: number): Withholding {
  return { reason: 'too-large', bytes, limit, ...whereToFetch(event) };
}

/** Refused by the broker for good, with its error code. */
export function refusedByBroker(event: EventReference, bytes: number, brokerError: string): Withholding {
  return { reason: SIZE_ERRORS.has(brokerError) ? 'too-large' : 'refused', brokerError, bytes, ...whereToFetch(event) };
}

/**
 * The compact message published in place of an event that cannot be published as it is: same key
 * (so the same partition and per-user order), same ce_* headers (same ce_id and ce_type) plus
 * ce_withheld, and a value that names the event and says how to fetch it instead of carrying it.
 */
export function toWithheldNotice(message: IntegrationMessage, withheld: Withholding): IntegrationMessage {
  const value: UserLifecycleEventV1 = { ...message.event, withheld };
  return { ...message, headers: { ...message.headers, [WITHHELD_HEADER]: withheld.reason }, value: JSON.stringify(value) };
}

function whereToFetch(event: EventReference): Pick<Withholding, 'scimPath' | 'replayAfter'> {
  // Log positions are integers that increase, so the one before is an exclusive start that includes this event.
  return { scimPath: `/scim/v2/enterprise-idps/${event.providerId}/Users/${event.userId}`, replayAfter: event.logPosition - 1 };
}
