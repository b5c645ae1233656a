import { DomainError } from '../shared/domain-error';
import { formatDuration, parseBoundedDuration } from '../shared/duration';

const DAY_MS = 86_400_000;

/** A token lives from a minute (a test) to ten years (a tenant that never rotates). */
export const TOKEN_LIFETIME_BOUNDS = { min: 60_000, max: 3650 * DAY_MS } as const;
/** Long enough for Entra's 40-minute cycle and an administrator's weekend, short enough that a leaked token dies. */
export const ROTATION_OVERLAP_BOUNDS = { min: 0, max: 30 * DAY_MS } as const;
/** What `token rotate` gives the old token when no overlap is named. */
export const DEFAULT_ROTATION_OVERLAP = '24h';

/** When a token issued at `now` with `--expires-in <expiresIn>` expires (ISO). */
export function tokenExpiresAt(expiresIn: string, now: Date): string {
  return new Date(now.getTime() + parseBoundedDuration(expiresIn, 'A token lifetime', TOKEN_LIFETIME_BOUNDS)).toISOString();
}

/** When the old token of a rotation at `now` with `--overlap <overlap>` stops working (ISO). */
export function rotationOverlapEndsAt(overlap: string, now: Date): string {
  return new Date(now.getTime() + parseBoundedDuration(overlap, 'A rotation overlap', ROTATION_OVERLAP_BOUNDS)).toISOString();
}

/** An ISO timestamp as the events record it; DURATION_INVALID when it is none. */
export function isoTimestamp(text: string, what: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new DomainError('DURATION_INVALID', `${what} "${text}" is not an ISO 8601 timestamp`);
  return new Date(ms).toISOString();
}

/** Refuses an overlap from `now` to `endsAt` outside ROTATION_OVERLAP_BOUNDS. */
export function checkRotationOverlap(now: string, endsAt: string): void {
  const overlap = Date.parse(isoTimestamp(endsAt, 'The overlap end')) - Date.parse(isoTimestamp(now, 'The time of rotation'));
  if (overlap < ROTATION_OVERLAP_BOUNDS.min || overlap > ROTATION_OVERLAP_BOUNDS.max) {
    throw new DomainError('DURATION_INVALID', `A rotation overlap must be between 0s and ${formatDuration(ROTATION_OVERLAP_BOUNDS.max)}`);
  }
}
