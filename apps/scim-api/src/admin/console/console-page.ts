import type { FastifyReply } from 'fastify';
import type { ConsoleSession } from './console-sessions';
import { html, SafeHtml } from './html';

export const CONSOLE_PATH = '/admin';
export const STYLESHEET_PATH = `${CONSOLE_PATH}/assets/console.css`;
export const SCRIPT_PATH = `${CONSOLE_PATH}/assets/console.js`;

/** No inline script or style, no framing, forms post only here: a value that escaped escaping still runs nothing. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface PageParts {
  readonly title: string;
  readonly body: SafeHtml;
  /** Signed in: the navigation and the sign-out form (with its CSRF token). */
  readonly session?: ConsoleSession;
  /** What the last action did, announced to screen readers. */
  readonly notice?: string;
  readonly error?: string;
}

/**
 * Sends a whole console page; never cached (pages may hold a secret shown once, or users' data).
 * Referrer-Policy same-origin, not no-referrer: with no-referrer a browser posts forms with `Origin: null`.
 */
export function sendPage(reply: FastifyReply, parts: PageParts, status = 200): FastifyReply {
  return reply
    .status(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'same-origin')
    .send(layout(parts).text);
}

/** 303 See Other: the answer to a posted form, so a reload repeats no action. */
export function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('Location', location).header('Cache-Control', 'no-store').send();
}

function layout({ title, body, session, notice, error }: PageParts): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · SCIM admin console</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<script src="${SCRIPT_PATH}" defer></script>
</head>
<body>
<header>
<p class="brand"><a href="${CONSOLE_PATH}/idps">SCIM admin console</a></p>
${session ? navigation(session) : null}
</header>
<main>
<h1>${title}</h1>
<div role="status" aria-live="polite" id="console-status">${notice ? html`<p class="notice">${notice}</p>` : null}</div>
${error ? html`<div role="alert"><p class="error">${error}</p></div>` : null}
${body}
</main>
</body>
</html>`;
}

function navigation(session: ConsoleSession): SafeHtml {
  return html`<nav aria-label="Console">
<ul>
<li><a href="${CONSOLE_PATH}/idps">Identity providers</a></li>
<li><a href="${CONSOLE_PATH}/journal">Request journal</a></li>
</ul>
<form method="post" action="${CONSOLE_PATH}/logout">${csrfField(session)}<span>Signed in as ${session.caller.label}</span> <button type="submit">Sign out</button></form>
</nav>`;
}

/** The hidden field every posted form carries: the console refuses a POST without its session's token. */
export function csrfField(session: ConsoleSession): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${session.csrfToken}">`;
}

/** A form of one button posting to `action`. */
export function actionButton(session: ConsoleSession, action: string, label: string, extra?: SafeHtml): SafeHtml {
  return html`<form method="post" action="${action}" class="inline">${csrfField(session)}${extra ?? null}<button type="submit">${label}</button></form>`;
}

/** JSON as a readable block. */
export function prettyJson(value: unknown): SafeHtml {
  return html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
}
