import { errorCodes, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminAuthenticator } from '../auth/admin-authenticator';
import type { AdminRequest } from '../auth/admin-authentication.hook';
import { AdminRequestError } from '../http/admin-errors';
import { isConsolePath } from '../http/admin-paths';
import { CONSOLE_PATH, redirect } from './console-page';
import { ConsoleSession, ConsoleSessions, sameSecret } from './console-sessions';
import { formText, parseForm } from './form-fields';

export type ConsoleRequest = AdminRequest & { consoleSession?: ConsoleSession };

export const SESSION_COOKIE = 'scim_console';
export const LOGIN_PATH = `${CONSOLE_PATH}/login`;
/** Pages anybody may load: the login form and the assets it needs. */
const PUBLIC_PATHS = [LOGIN_PATH, `${CONSOLE_PATH}/assets/`];

/**
 * The console's session in place of the admin API's bearer token: a request to a console page
 * carries the session cookie (else it is sent to the login form), and a posted form carries the
 * session's CSRF token and, when the browser says where it comes from, this origin.
 * The admin token itself is only ever in the login form's POST body.
 */
export function guardConsole(fastify: FastifyInstance, sessions: ConsoleSessions, authenticator: AdminAuthenticator): void {
  fastify.addHook('onRequest', async (request: ConsoleRequest, reply) => {
    if (!isConsolePath(request.url) || request.is404) return;
    const session = await liveSession(request, sessions, authenticator);
    if (session) {
      request.consoleSession = session;
      request.adminCaller = session.caller;
    } else if (!isPublic(request.url)) {
      return redirect(reply, LOGIN_PATH);
    }
  });
  // Forms are the console's bodies; anywhere else a form is what it was, an unsupported media type (415).
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    if (!isConsolePath(request.url)) return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']), undefined);
    done(null, parseForm(body as string));
  });
  fastify.addHook('preHandler', async (request: ConsoleRequest) => {
    if (request.method !== 'POST' || !isConsolePath(request.url)) return;
    if (!sameOrigin(request)) throw forbidden('This form was posted from another site');
    if (isPublic(request.url)) return;
    const csrf = formText(request.body, 'csrf');
    if (!request.consoleSession || csrf === undefined || !sameSecret(csrf, request.consoleSession.csrfToken)) {
      throw forbidden('This form is out of date or was not sent by this console (its CSRF token does not match your session); reload the page and try again');
    }
  });
}

export function sessionCookie(request: FastifyRequest, id: string, maxAgeSeconds?: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  const maxAge = maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`;
  return `${SESSION_COOKIE}=${id}; Path=${CONSOLE_PATH}; HttpOnly; SameSite=Strict${secure}${maxAge}`;
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, id: string): void {
  void reply.header('Set-Cookie', sessionCookie(request, id));
}

/** The session the cookie names, while its admin token is live (a revoked token ends its sessions). */
async function liveSession(request: FastifyRequest, sessions: ConsoleSessions, authenticator: AdminAuthenticator): Promise<ConsoleSession | undefined> {
  const session = sessions.find(cookieValue(request.headers.cookie, SESSION_COOKIE));
  if (!session) return undefined;
  try {
    session.caller = await authenticator.authenticateDigest(session.tokenDigest);
    return session;
  } catch (error) {
    if (!(error instanceof AdminRequestError)) throw error;
    sessions.end(session.id);
    return undefined;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

function isPublic(url: string): boolean {
  const path = url.split('?')[0].toLowerCase().replace(/\/$/, '');
  return PUBLIC_PATHS.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));
}

/** An Origin header, when the browser sends one, names this console's own origin. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  return origin === undefined || origin === `${request.protocol}://${request.host}`;
}

const forbidden = (message: string) => new AdminRequestError(403, 'FORBIDDEN', message);
