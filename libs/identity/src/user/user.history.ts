import { UserEvent } from './user.events';
import { evolveUser, initialUserState, UserState } from './user.state';

/** A user event as the log recorded it: where (stream revision, global position) and when it occurred. */
export type LoggedUserEvent = UserEvent & { readonly revision: number; readonly position: number; readonly occurredAt: string };

/** A point in the log an auditor names: a time (epoch ms), or a global log position. */
export type LogPoint = { readonly kind: 'time'; readonly at: number } | { readonly kind: 'position'; readonly position: number };

// A full ISO 8601 date-time with a zone (a local time would mean a different instant on each machine), or a bare date (UTC midnight).
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO 8601 instant as epoch ms; undefined when it is not one (or names no real day, e.g. February 30th). */
export function parseInstant(text: string): number | undefined {
  if (!ISO_INSTANT.test(text)) return undefined;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  // Date.parse rolls 2026-02-30 over to March 2nd; a calendar day that does not round-trip is not a real one.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

/** "2026-12-02T07:00:00Z" is a time, "1234" a log position; undefined for anything else. */
export function parseLogPoint(text: string): LogPoint | undefined {
  if (/^[1-9]\d{0,14}$/.test(text)) return { kind: 'position', position: Number(text) };
  const at = parseInstant(text);
  return at === undefined ? undefined : { kind: 'time', at };
}

/** The events that occurred between `from` and `to` (epoch ms, both inclusive, either open). */
export function eventsBetween<E extends { readonly occurredAt: string }>(events: readonly E[], window: { readonly from?: number; readonly to?: number }): E[] {
  return events.filter((event) => {
    const at = Date.parse(event.occurredAt);
    return (window.from === undefined || at >= window.from) && (window.to === undefined || at <= window.to);
  });
}

/** What the log said about a user at some point: its state, and the last event folded into it (none before the first). */
export interface UserAsOf {
  readonly state: UserState;
  readonly last?: LoggedUserEvent;
}

/**
 * Folds the user's stream up to a point: every event at or before it, stopping at the first one after
 * it (so the result is a state the user really had, even if a clock stepped back later in the stream).
 */
export function userAsOf(events: readonly LoggedUserEvent[], point: LogPoint): UserAsOf {
  let result: UserAsOf = { state: initialUserState };
  for (const event of events) {
    if (!isAtOrBefore(event, point)) break;
    result = { state: evolveUser(result.state, event), last: event };
  }
  return result;
}

function isAtOrBefore(event: LoggedUserEvent, point: LogPoint): boolean {
  return point.kind === 'position' ? event.position <= point.position : Date.parse(event.occurredAt) <= point.at;
}
