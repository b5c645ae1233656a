import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminCaller } from '../auth/admin-authenticator';

/** A signed-in administrator: never the admin token, only its digest (to notice its revocation) and who it is. */
export interface ConsoleSession {
  readonly id: string;
  readonly csrfToken: string;
  readonly tokenDigest: string;
  caller: AdminCaller;
  lastSeenAt: number;
  /** A message for the next page (what the last action did), shown once. */
  notice?: string;
  /** A SCIM token secret just issued or rotated, shown once by the page the action redirects to. */
  secret?: { readonly tokenId: string; readonly token: string; readonly until: number };
}

export const CONSOLE_IDLE_MS = 30 * 60_000;
/** Beyond this many, signing in ends the least recently used session: memory stays bounded whatever is posted to the login form. */
export const MAX_CONSOLE_SESSIONS = 10_000;
const SECRET_SHOWN_WITHIN_MS = 60_000;

/**
 * The console's sessions, in this process's memory: behind several replicas a browser must stick to
 * one (or sign in again where it lands), and a restart signs everybody out.
 */
export class ConsoleSessions {
  // A Map keeps insertion order: re-inserting on use makes its first entry the least recently used.
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(private readonly now: () => number = Date.now) {}

  start(caller: AdminCaller, tokenDigest: string): ConsoleSession {
    if (this.sessions.size >= MAX_CONSOLE_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const session: ConsoleSession = { id: randomId(), csrfToken: randomId(), tokenDigest, caller, lastSeenAt: this.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle time restarted; undefined when unknown or idle too long. */
  find(id: string | undefined): ConsoleSession | undefined {
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session) return undefined;
    this.sessions.delete(session.id);
    if (this.now() - session.lastSeenAt > CONSOLE_IDLE_MS) return undefined;
    session.lastSeenAt = this.now();
    this.sessions.set(session.id, session);
    return session;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  /** The secret of a token just issued, once: a second call (a reload) gets nothing. */
  takeSecret(session: ConsoleSession, tokenId: string): string | undefined {
    const secret = session.secret;
    if (secret?.tokenId !== tokenId) return undefined;
    session.secret = undefined;
    return secret.until >= this.now() ? secret.token : undefined;
  }

  keepSecret(session: ConsoleSession, tokenId: string, token: string): void {
    session.secret = { tokenId, token, until: this.now() + SECRET_SHOWN_WITHIN_MS };
  }

  takeNotice(session: ConsoleSession): string | undefined {
    const notice = session.notice;
    session.notice = undefined;
    return notice;
  }
}

export function sameSecret(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

const randomId = () => randomBytes(32).toString('base64url');
