import { EVENT_STORE, EventStore, RecordedEvent } from '@app/event-store/event-store.port';
import { DomainError } from '@app/identity/shared/domain-error';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { isUserEvent, UserEvent } from '@app/identity/user/user.events';
import { eventsBetween, LoggedUserEvent, LogPoint, userAsOf } from '@app/identity/user/user.history';
import { IdentityProviderDirectory } from '@app/read-model/store/identity-provider-directory';
import { renderUser } from '@app/scim/resource/render-user';
import { UserSchema } from '@app/scim/schema/user-schema';
import { Inject, Injectable } from '@nestjs/common';

/** One event of a user's history, with its provenance: who, from where, in which request, what was sent, what changed. */
export interface UserHistoryEntry {
  readonly revision: number;
  readonly position: number;
  readonly type: UserEvent['type'];
  readonly occurredAt: string;
  readonly actor: RecordedEvent['metadata']['actor'] | { readonly kind: 'system' };
  readonly requestId?: string;
  readonly clientAddress?: string;
  /** The SCIM request as Entra sent it (passwords were stripped before it was recorded). */
  readonly scimOperation?: RecordedEvent['metadata']['scimOperation'];
  readonly droppedAttributes?: readonly string[];
  /** The event's data beyond the user's ids: `changes` or `attributes` (none for e.g. UserDeactivated). */
  readonly change: Record<string, unknown>;
}

/** The user as the log says it was at a point: the SCIM JSON a GET would have rendered, and the event it reflects. */
export interface UserAsOfView {
  readonly revision: number;
  readonly position: number;
  readonly occurredAt: string;
  readonly awaitingReprovision: boolean;
  readonly user: Record<string, unknown>;
}

/**
 * A user's history and its state at any point, read from the user's stream in the event log (never the
 * read model, so an auditor sees what was recorded). A retired IdP's users keep their history.
 * @throws DomainError PROVIDER_NOT_FOUND, USER_NOT_FOUND (also for a user that did not exist, or no longer existed, then).
 */
@Injectable()
export class UserHistory {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly providers: IdentityProviderDirectory,
  ) {}

  async history(providerId: string, userId: string, window: { from?: number; to?: number }): Promise<UserHistoryEntry[]> {
    await this.schemaOf(providerId);
    return eventsBetween((await this.streamOf(providerId, userId)).map(entry), window);
  }

  /** @param location the user's meta.location */
  async asOf(providerId: string, userId: string, point: LogPoint, pointText: string, location: string): Promise<UserAsOfView> {
    const schema = await this.schemaOf(providerId);
    const stream = (await this.streamOf(providerId, userId)).map(logged);
    const { state, last } = userAsOf(stream, point);
    if (state.status !== 'present' || !last) {
      const why = state.status === 'deleted' ? `had been deleted by then (${last!.occurredAt}, position ${last!.position})` : `did not exist yet (first recorded ${stream[0].occurredAt}, position ${stream[0].position})`;
      throw new DomainError('USER_NOT_FOUND', `User ${userId} ${why}; asked as of ${pointText}`);
    }
    const created = stream.find((event) => event.type === 'UserProvisioned')!;
    const stored = { id: userId, attributes: state.attributes, version: last.revision, createdAt: new Date(created.occurredAt), lastModifiedAt: new Date(last.occurredAt) };
    return { revision: last.revision, position: last.position, occurredAt: last.occurredAt, awaitingReprovision: state.awaitingReprovision, user: renderUser(schema, stored, location) };
  }

  /** The IdP's schema as its GETs render users with it (retired attributes are not extensions any more). */
  private async schemaOf(providerId: string): Promise<UserSchema> {
    const provider = await this.providers.describeProvider(providerId);
    if (!provider) throw new DomainError('PROVIDER_NOT_FOUND', `No identity provider "${providerId}"`);
    return UserSchema.withCustomAttributes(provider.customAttributes.filter((a) => !a.retired).map(({ name, type }) => ({ name, type })));
  }

  /** The user's events in stream order; USER_NOT_FOUND when the IdP never had this user. */
  private async streamOf(providerId: string, userId: string): Promise<RecordedEvent[]> {
    const stream = (await this.events.readStream(StreamIds.user(providerId, userId))).filter(isUserEvent);
    if (stream.length === 0) throw new DomainError('USER_NOT_FOUND', `No user ${userId} was ever provisioned by "${providerId}"`);
    return stream;
  }
}

function logged(event: RecordedEvent): LoggedUserEvent {
  return { type: event.type, data: event.data, revision: event.revision, position: event.position, occurredAt: event.metadata.occurredAt } as LoggedUserEvent;
}

function entry(event: RecordedEvent): UserHistoryEntry {
  const { providerId: _providerId, userId: _userId, ...change } = event.data as Record<string, unknown>;
  const { actor, correlationId, clientAddress, scimOperation, droppedAttributes, occurredAt } = event.metadata;
  return {
    revision: event.revision,
    position: event.position,
    type: event.type as UserEvent['type'],
    occurredAt,
    actor: actor ?? { kind: 'system' },
    requestId: correlationId,
    clientAddress,
    scimOperation,
    droppedAttributes,
    change,
  };
}
