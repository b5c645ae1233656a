import { ApiExcludeController } from '@nestjs/swagger';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import type { AppConfig } from '@app/platform/config/app-config';
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { delayRefusal } from '../../http/connection-cap';
import { APP_CONFIG } from '../../app.tokens';
import { AdminAuthenticator } from '../auth/admin-authenticator';
import { AdminRequestError } from '../http/admin-errors';
import { CONSOLE_CSS, CONSOLE_JS } from './console-assets';
import { ConsoleRequest, LOGIN_PATH, sessionCookie, setSessionCookie } from './console-gate';
import { CONSOLE_PATH, redirect, sendPage } from './console-page';
import { ConsoleSessions } from './console-sessions';
import { formText } from './form-fields';
import { html } from './html';

/** Signing in with an admin token (kept by no page, cookie or log: the session keeps its digest), signing out, and the assets. */
// HTML pages for a browser with a session cookie, not an API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('admin')
export class ConsoleLoginController {
  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly authenticator: AdminAuthenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  home(@Res() reply: FastifyReply) {
    return redirect(reply, `${CONSOLE_PATH}/idps`);
  }

  @Get('login')
  form(@Req() request: ConsoleRequest, @Res() reply: FastifyReply) {
    if (request.consoleSession) return redirect(reply, `${CONSOLE_PATH}/idps`);
    return sendPage(reply, { title: 'Sign in', body: loginForm() });
  }

  @Post('login')
  async login(@Req() request: ConsoleRequest, @Res() reply: FastifyReply) {
    const token = formText(request.body, 'token');
    try {
      if (token === undefined) throw AdminRequestError.unauthorized('Paste an admin token to sign in');
      const digest = digestToken(token);
      const caller = await this.authenticator.authenticateDigest(digest);
      // A fresh session id at every sign-in: a cookie planted before it names nothing afterwards.
      if (request.consoleSession) this.sessions.end(request.consoleSession.id);
      setSessionCookie(reply, request, this.sessions.start(caller, digest).id);
      return redirect(reply, `${CONSOLE_PATH}/idps`);
    } catch (error) {
      if (!(error instanceof AdminRequestError)) throw error;
      // As slow as the API's refusals (RATE_LIMIT_REFUSAL_DELAY_MS): guessing tokens here costs as much.
      await delayRefusal(request.raw.socket, this.config.rateLimits.refusalDelayMs);
      const message = token === undefined ? error.message : 'That is not a valid admin token (ADMIN_TOKEN or one issued with admin-token issue); SCIM tokens never are';
      return sendPage(reply, { title: 'Sign in', body: loginForm(), error: message }, 401);
    }
  }

  @Post('logout')
  logout(@Req() request: ConsoleRequest, @Res() reply: FastifyReply) {
    if (request.consoleSession) this.sessions.end(request.consoleSession.id);
    void reply.header('Set-Cookie', sessionCookie(request, '', 0));
    return redirect(reply, LOGIN_PATH);
  }

  @Get('assets/console.css')
  stylesheet(@Res() reply: FastifyReply) {
    return reply.header('Content-Type', 'text/css; charset=utf-8').header('Cache-Control', 'max-age=3600').send(CONSOLE_CSS);
  }

  @Get('assets/console.js')
  script(@Res() reply: FastifyReply) {
    return reply.header('Content-Type', 'text/javascript; charset=utf-8').header('Cache-Control', 'max-age=3600').send(CONSOLE_JS);
  }
}

function loginForm() {
  return html`<form method="post" action="${LOGIN_PATH}">
<p><label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="off" required size="48"></p>
<p><button type="submit">Sign in</button></p>
</form>
<p>The token is checked once and not kept: the console keeps a session (a cookie for this path only) until you sign out or leave it idle for 30 minutes.</p>`;
}
