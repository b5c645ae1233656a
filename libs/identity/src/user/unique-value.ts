import { DomainEvent } from '../shared/event-envelope';

/** The values a user holds that must be unique per IdP, each guarded by a reservation stream. */
export type UniqueValueKind = 'userName' | 'externalId';

export type UniqueValueReserved = DomainEvent<'UniqueValueReserved', { readonly providerId: string; readonly kind: UniqueValueKind; readonly userId: string }>;
export type UniqueValueReleased = DomainEvent<'UniqueValueReleased', { readonly providerId: string; readonly kind: UniqueValueKind; readonly userId: string }>;
export type ReservationEvent = UniqueValueReserved | UniqueValueReleased;

/** Who holds the value now, if anyone. */
export function reservationHolder(events: readonly ReservationEvent[]): string | undefined {
  return events.reduce<string | undefined>((holder, e) => {
    if (e.type === 'UniqueValueReserved') return e.data.userId;
    return holder === e.data.userId ? undefined : holder;
  }, undefined);
}

/** The value a user's attributes hold for a kind, as the reservation compares it. */
export function uniqueValueOf(kind: UniqueValueKind, attributes: Readonly<Record<string, unknown>>): string | undefined {
  const value = attributes[kind];
  if (typeof value !== 'string' || value === '') return undefined;
  return kind === 'userName' ? value.toLowerCase() : value;
}
