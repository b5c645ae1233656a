import { parseInstant } from '@app/identity/user/user.history';
import { decodeCursor, JournalCursor } from '@app/journal/journal-cursor';
import type { StatusRange } from '@app/journal/journal-store';
import { AdminRequestError } from '../http/admin-errors';

/** What `GET /admin/v1/journal` takes, checked. */
export interface JournalSearchParameters {
  readonly email?: string;
  readonly userName?: string;
  readonly externalId?: string;
  readonly userId?: string;
  readonly providerId?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly status?: StatusRange;
  readonly limit: number;
  readonly cursor?: JournalCursor;
}

const IDENTIFIERS = ['email', 'userName', 'externalId', 'userId'] as const;
const PARAMETERS = [...IDENTIFIERS, 'providerId', 'from', 'to', 'status', 'limit', 'cursor'];
/** Longer than any indexed value (SCIM_MAX_INDEXED_STRING_LENGTH is at most 600) or provider id: matches nothing. */
export const MAX_VALUE_CHARS = 1_024;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1_000;

/** The query string as a search, or a 400 naming what is wrong. */
export function parseJournalSearch(query: Record<string, unknown>): JournalSearchParameters {
  const unknown = Object.keys(query).find((key) => !PARAMETERS.includes(key));
  if (unknown !== undefined) throw bad(`Unknown query parameter ${JSON.stringify(unknown.slice(0, 64))}; this route takes ${PARAMETERS.map((p) => `?${p}=`).join(', ')}`);
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw bad(`?${name}= may be given once`);
    if (value === '' || value.length > MAX_VALUE_CHARS) throw bad(`?${name}= takes 1 to ${MAX_VALUE_CHARS} characters`);
    return value;
  };
  const from = instant(text('from'), 'from');
  const to = instant(text('to'), 'to');
  if (from && to && from > to) throw bad('?from= is after ?to=');
  const cursorText = text('cursor');
  const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
  if (cursorText !== undefined && !cursor) throw bad('?cursor= is not a cursor this route handed out (nextCursor)');
  return {
    email: text('email'),
    userName: text('userName'),
    externalId: text('externalId'),
    userId: text('userId'),
    providerId: text('providerId'),
    from,
    to,
    status: status(text('status')),
    limit: limit(text('limit')),
    cursor,
  };
}

function instant(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const at = parseInstant(text);
  if (at === undefined) throw bad(`?${name}= takes an ISO 8601 time with a zone, e.g. 2026-12-02T07:00:00Z`);
  return new Date(at);
}

/** `4xx` (a class) or `409` (a code). */
function status(text: string | undefined): StatusRange | undefined {
  if (text === undefined) return undefined;
  const klass = /^([1-5])xx$/i.exec(text);
  if (klass) return { min: Number(klass[1]) * 100, max: Number(klass[1]) * 100 + 99 };
  if (/^[1-5]\d\d$/.test(text)) return { min: Number(text), max: Number(text) };
  throw bad('?status= takes a class (2xx, 4xx, 5xx) or a code (409)');
}

function limit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > MAX_LIMIT) throw bad(`?limit= takes 1 to ${MAX_LIMIT}`);
  return Number(text);
}

const bad = (message: string) => AdminRequestError.badRequest(message);
