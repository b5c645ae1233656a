import { DomainEvent } from '../shared/event-envelope';

/** The values a user holds that must be unique per IdP, each guarded by a reservation stream. */
export type UniqueValueKind = 'userName' | 'externalId';

export type UniqueValueReserved = DomainEvent<'UniqueValueReserved', { readonly providerId: string; readonly kind: UniqueValueKind; readonly userId: string }>;
export type UniqueValueReleased = DomainEvent<'UniqueValueReleased', { readonly providerId: string; readonly kind: UniqueValueKind; readonly userId: string }>;
export type ReservationEvent = UniqueValueReserved | UniqueValueReleased;

/** Folds one reservation event into who holds the value. */
export function evolveReservation(holder: string | undefined, event: ReservationEvent): string | undefined {
  if (event.type === 'UniqueValueReserved') return event.data.userId;
  return holder === event.data.userId ? undefined : holder;
}

/** Who holds the value now, if anyone. */
export function reservationHolder(events: readonly ReservationEvent[]): string | undefined {
  return events.reduce(evolveReservation, undefined);
}

/** The value a user's attributes hold for a kind, as the reservation compares it. */
export function uniqueValueOf(kind: UniqueValueKind, attributes: Readonly<Record<string, unknown>>): string | undefined {
  const value = attributes[kind];
  if (typeof value !== 'string' || value === '') return undefined;
  return kind === 'userName' ? value.toLowerCase() : value;
}

const KINDS: readonly UniqueValueKind[] = ['userName', 'externalId'];

/** One value a user holds under a uniqueness rule. */
export interface UniqueValue {
  readonly kind: UniqueValueKind;
  readonly value: string;
}

/** What a change of attributes takes (values `after` holds that `before` did not) and gives back (the reverse). */
export function uniqueValueChanges(
  before: Readonly<Record<string, unknown>> | undefined,
  after: Readonly<Record<string, unknown>> | undefined,
): { readonly take: readonly UniqueValue[]; readonly giveBack: readonly UniqueValue[] } {
  const gained = (from: typeof before, to: typeof before) =>
    KINDS.flatMap((kind) => {
      const value = to && uniqueValueOf(kind, to);
      return value !== undefined && value !== (from && uniqueValueOf(kind, from)) ? [{ kind, value }] : [];
    });
  return { take: gained(before, after), giveBack: gained(after, before) };
}

const RESERVATION_TYPES: ReadonlySet<string> = new Set<ReservationEvent['type']>(['UniqueValueReserved', 'UniqueValueReleased']);

/** Narrows an event read from a reservation stream by its type. */
export function isReservationEvent(event: { readonly type: string; readonly data: unknown }): event is ReservationEvent {
  return RESERVATION_TYPES.has(event.type);
}
