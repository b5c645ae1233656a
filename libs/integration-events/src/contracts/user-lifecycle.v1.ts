import type { RecordedEvent } from '@app/event-store/event-store.port';
import { USER_EVENT_TYPES, UserEvent } from '@app/identity/user/user.events';

export const CONTRACT_VERSION = 1;

/** The value of a Kafka message (CloudEvents binary mode: the envelope is in the headers). */
export interface UserLifecycleEventV1 {
  readonly providerId: string;
  readonly userId: string;
  /** Revision of the user's stream: per-user order for consumers that want to check it. */
  readonly revision: number;
  /** Position in the global event log; replays carry the same one. */
  readonly logPosition: number;
  readonly occurredAt: string;
  /** UserProvisioned, UserReplaced: the user's attributes in SCIM shape. */
  readonly attributes?: Record<string, unknown>;
  /** AttributesPatched: per top-level attribute, the old and new value. */
  readonly changes?: readonly { readonly attribute: string; readonly oldValue?: unknown; readonly newValue?: unknown }[];
}

export interface IntegrationMessage {
  /** `<providerId>:<userId>`, so one user's events land on one partition, in order. */
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: string;
  readonly position: number;
}

const userEventTypes = new Set<string>(USER_EVENT_TYPES);

/** The CloudEvents type of a lifecycle event, e.g. `com.traffitech.scim.user.UserProvisioned.v1`. */
export function cloudEventType(eventType: string): string {
  return `com.traffitech.scim.user.${eventType}.v${CONTRACT_VERSION}`;
}

/**
 * Maps a logged domain event to its published form; undefined for events that stay internal
 * (identity-provider administration, uniqueness reservations).
 */
export function toIntegrationMessage(recorded: RecordedEvent): IntegrationMessage | undefined {
  if (!userEventTypes.has(recorded.type)) return undefined;
  const event = { type: recorded.type, data: recorded.data } as UserEvent;
  const { providerId, userId } = event.data;
  const occurredAt = recorded.metadata.occurredAt ?? recorded.recordedAt.toISOString();
  const value: UserLifecycleEventV1 = {
    providerId,
    userId,
    revision: recorded.revision,
    logPosition: recorded.position,
    occurredAt,
    ...('attributes' in event.data ? { attributes: event.data.attributes as Record<string, unknown> } : {}),
    ...('changes' in event.data ? { changes: event.data.changes } : {}),
  };
  return {
    key: `${providerId}:${userId}`,
    position: recorded.position,
    value: JSON.stringify(value),
    headers: {
      ce_specversion: '1.0',
      ce_id: recorded.id,
      ce_type: cloudEventType(recorded.type),
      ce_source: `/scim/v2/enterprise-idps/${providerId}`,
      ce_subject: userId,
      ce_time: occurredAt,
      'content-type': 'application/json',
    },
  };
}
