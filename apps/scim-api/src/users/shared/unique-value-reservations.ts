import { ConcurrencyError } from '@app/event-store/concurrency.error';
import { EVENT_STORE, EventStore } from '@app/event-store/event-store.port';
import { DomainError } from '@app/identity/shared/domain-error';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { ReservationEvent, reservationHolder, UniqueValueKind, uniqueValueOf } from '@app/identity/user/unique-value';
import { UserEvent } from '@app/identity/user/user.events';
import { foldUser } from '@app/identity/user/user.state';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { Inject, Injectable } from '@nestjs/common';
import type { ScimRequestContext } from '../../auth/scim-request-context';
import { toNewEvents } from './event-metadata';

const KINDS: readonly UniqueValueKind[] = ['userName', 'externalId'];
const ATTEMPTS = 10;
/** A claim whose user stream never appeared within this time was left by a crash between the two appends. */
const IN_FLIGHT_MS = 30_000;

/**
 * userName (case-insensitive) and externalId are unique per IdP, enforced on the write side by a
 * reservation stream per value appended with an expected revision. A claim is stale, and taken
 * over, when its holder is deleted, or wrote something after the claim without taking the value
 * (a rename that went elsewhere), or never wrote anything for IN_FLIGHT_MS (a crash between claim
 * and write): so a crash never locks a name forever, and a write in flight is never overtaken.
 */
@Injectable()
export class UniqueValueReservations {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async reserve(context: ScimRequestContext, userId: string, before: UserAttributes | undefined, after: UserAttributes | undefined): Promise<void> {
    for (const kind of KINDS) {
      const value = after && uniqueValueOf(kind, after);
      if (value !== undefined && value !== (before && uniqueValueOf(kind, before))) await this.claim(context, kind, value, userId);
    }
  }

  async release(context: ScimRequestContext, userId: string, before: UserAttributes | undefined, after: UserAttributes | undefined): Promise<void> {
    for (const kind of KINDS) {
      const value = before && uniqueValueOf(kind, before);
      if (value !== undefined && value !== (after && uniqueValueOf(kind, after))) await this.unclaim(context, kind, value, userId);
    }
  }

  private async claim(context: ScimRequestContext, kind: UniqueValueKind, value: string, userId: string): Promise<void> {
    const streamId = this.streamId(context.providerId, kind, value);
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.events.readStream(streamId);
      const holder = reservationHolder(recorded as unknown as ReservationEvent[]);
      if (holder === userId) return;
      const claimedAt = recorded[recorded.length - 1]?.recordedAt;
      if (holder !== undefined && (await this.stillHolds(context.providerId, holder, kind, value, claimedAt))) {
        throw kind === 'userName'
          ? new DomainError('USER_NAME_TAKEN', `userName is already in use by another user of this identity provider`)
          : new DomainError('EXTERNAL_ID_TAKEN', `externalId is already in use by another user of this identity provider`);
      }
      const event: ReservationEvent = { type: 'UniqueValueReserved', data: { providerId: context.providerId, kind, userId } };
      try {
        await this.events.appendToStream(streamId, toNewEvents(context, [event]), expectedAfter(recorded));
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  private async unclaim(context: ScimRequestContext, kind: UniqueValueKind, value: string, userId: string): Promise<void> {
    const streamId = this.streamId(context.providerId, kind, value);
    const recorded = await this.events.readStream(streamId);
    if (reservationHolder(recorded as unknown as ReservationEvent[]) !== userId) return;
    const event: ReservationEvent = { type: 'UniqueValueReleased', data: { providerId: context.providerId, kind, userId } };
    try {
      await this.events.appendToStream(streamId, toNewEvents(context, [event]), expectedAfter(recorded));
    } catch (error) {
      // Someone claimed it meanwhile (a stale takeover): the release has nothing left to do.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }

  private async stillHolds(providerId: string, holder: string, kind: UniqueValueKind, value: string, claimedAt: Date): Promise<boolean> {
    const recorded = await this.events.readStream(StreamIds.user(providerId, holder));
    const state = foldUser(recorded as unknown as UserEvent[]);
    if (state.status === 'deleted') return false;
    if (state.status === 'present' && uniqueValueOf(kind, state.attributes) === value) return true;
    // The holder has not (yet) written the value: its create or rename may still be in flight.
    const wroteSince = recorded.some((e) => e.recordedAt.getTime() > claimedAt.getTime());
    return !wroteSince && Date.now() - claimedAt.getTime() < IN_FLIGHT_MS;
  }

  private streamId(providerId: string, kind: UniqueValueKind, value: string): string {
    return kind === 'userName' ? StreamIds.userNameReservation(providerId, value) : StreamIds.externalIdReservation(providerId, value);
  }
}

function expectedAfter(recorded: readonly { revision: number }[]): number | 'noStream' {
  return recorded.length === 0 ? 'noStream' : recorded[recorded.length - 1].revision;
}
