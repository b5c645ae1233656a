import type { RecordedEvent } from '@app/event-store/event-store.port';
import { USER_EVENT_TYPES, UserEvent } from '@app/identity/user/user.events';
import { ACTOR_KIND_HEADER, PublishedActor, publishedActor } from './event-actor.v1';

export const CONTRACT_VERSION = 1;

/** Why an event went out as a notice: over a size limit (the relay's or the broker's), or refused by the broker for another reason. */
export type WithheldReason = 'too-large' | 'refused';

/** The `withheld` member of a notice (withheld.v1.schema.json). */
export interface Withholding {
  readonly reason: WithheldReason;
  /** The broker's error code name when the broker refused the message. */
  readonly brokerError?: string;
  /** Size of the withheld message as a Kafka record batch. */
  readonly bytes: number;
  /** The relay's own limit, when its size check withheld the message. */
  readonly limit?: number;
  /** SCIM GET path of the user's current state. */
  readonly scimPath: string;
  /** `--after` for the replay tool, to republish from this event on. */
  readonly replayAfter: number;
}

/** The value of a Kafka message (CloudEvents binary mode: the envelope is in the headers). */
export interface UserLifecycleEventV1 {
  readonly providerId: string;
  readonly userId: string;
  /** Revision of the user's stream: per-user order for consumers that want to check it. */
  readonly revision: number;
  /** Position in the global event log; replays carry the same one. */
  readonly logPosition: number;
  readonly occurredAt: string;
  /** Who acted (see event-actor.v1.ts); absent on events logged without an actor. */
  readonly actor?: PublishedActor;
  /** The id of the request that caused the event (the SCIM or admin request); absent when there was none. */
  readonly requestId?: string;
  /** UserProvisioned, UserReplaced, UserReprovisioned: the user's attributes in SCIM shape. */
  readonly attributes?: Record<string, unknown>;
  /** AttributesPatched, AttributesCleared: per top-level attribute, the old and new value. */
  readonly changes?: readonly { readonly attribute: string; readonly oldValue?: unknown; readonly newValue?: unknown }[];
  /** Only on a withheld notice, in place of attributes or changes (see withheld-notice.v1.ts). */
  readonly withheld?: Withholding;
}

/** What names a published event and who caused it, whatever its content: enough for a consumer to fetch it (a withheld notice carries it all). */
export type EventReference = Pick<UserLifecycleEventV1, 'providerId' | 'userId' | 'revision' | 'logPosition' | 'occurredAt' | 'actor' | 'requestId'>;

export interface IntegrationMessage {
  /** `<providerId>:<userId>`, so one user's events land on one partition, in order. */
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: string;
  readonly position: number;
  /** The event the message carries; a withheld notice is built from it. */
  readonly event: EventReference;
}

const userEventTypes = new Set<string>(USER_EVENT_TYPES);

/** The CloudEvents type of a lifecycle event, e.g. `com.traffitech.scim.user.UserProvisioned.v1`. */
export function cloudEventType(eventType: string): string {
  return `com.traffitech.scim.user.${eventType}.v${CONTRACT_VERSION}`;
}

/** Whether a logged event is published (user lifecycle) rather than internal. */
export function isPublished(recorded: Pick<RecordedEvent, 'type'>): boolean {
  return userEventTypes.has(recorded.type);
}

/**
 * Maps a logged domain event to its published form; undefined for events that stay internal
 * (identity-provider administration, uniqueness reservations).
 */
export function toIntegrationMessage(recorded: RecordedEvent): IntegrationMessage | undefined {
  if (!isPublished(recorded)) return undefined;
  const data = recorded.data as UserEvent['data'];
  const { providerId, userId } = data;
  const occurredAt = recorded.metadata.occurredAt ?? recorded.recordedAt.toISOString();
  const actor = publishedActor(recorded.metadata.actor);
  const requestId = recorded.metadata.correlationId;
  const event: EventReference = {
    providerId,
    userId,
    revision: recorded.revision,
    logPosition: recorded.position,
    occurredAt,
    ...(actor ? { actor } : {}),
    ...(requestId ? { requestId } : {}),
  };
  const value: UserLifecycleEventV1 = {
    ...event,
    ...('attributes' in data ? { attributes: data.attributes as Record<string, unknown> } : {}),
    ...('changes' in data ? { changes: data.changes } : {}),
  };
  return {
    key: `${providerId}:${userId}`,
    position: recorded.position,
    event,
    value: JSON.stringify(value),
    headers: {
      ce_specversion: '1.0',
      ce_id: recorded.id,
      ce_type: cloudEventType(recorded.type),
      ce_source: `/scim/v2/enterprise-idps/${providerId}`,
      ce_subject: userId,
      ce_time: occurredAt,
      'content-type': 'application/json',
      ...(actor ? { [ACTOR_KIND_HEADER]: actor.kind } : {}),
    },
  };
}
