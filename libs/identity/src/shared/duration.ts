import { DomainError } from './domain-error';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
type Unit = keyof typeof UNIT_MS;
const DURATION = /^(\d{1,12})([dhms])$/;

/** `90d`, `24h`, `30m`, `45s` → milliseconds; DomainError DURATION_INVALID for anything else. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new DomainError('DURATION_INVALID', `"${text}" is not a duration such as 90d, 24h, 30m or 45s`);
  return Number(match[1]) * UNIT_MS[match[2] as Unit];
}

/** The largest unit that states `ms` (rounded to whole seconds) exactly: 86_400_000 → `1d`, 5_400_000 → `90m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds === 0) return '0s';
  const unit = (Object.keys(UNIT_MS) as Unit[]).find((u) => (seconds * 1000) % UNIT_MS[u] === 0) ?? 's';
  return `${(seconds * 1000) / UNIT_MS[unit]}${unit}`;
}

/** `parseDuration`, refused with DURATION_INVALID outside [min, max] (what the setting is named in the message). */
export function parseBoundedDuration(text: string, what: string, bounds: { readonly min: number; readonly max: number }): number {
  const ms = parseDuration(text);
  if (ms < bounds.min || ms > bounds.max) {
    throw new DomainError('DURATION_INVALID', `${what} must be between ${formatDuration(bounds.min)} and ${formatDuration(bounds.max)}, not ${text.trim()}`);
  }
  return ms;
}
