import { ApiExcludeController } from '@nestjs/swagger';
import type { TokenSummary } from '@app/read-model/store/identity-provider-directory';
import { Controller, Get, OnModuleInit, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { UserIdPipe } from '../../http/user-id.pipe';
import { adminProvenance } from '../auth/admin-provenance.decorator';
import { toAdminError } from '../http/admin-errors';
import { IdentityProviderViews } from '../identity-providers/identity-provider-views';
import { TenantUrls } from '../identity-providers/tenant-urls';
import { AdminUsersController } from '../users/admin-users.http.controller';
import { UserHistory, UserHistoryEntry } from '../users/user-history';
import { UserHistoryController } from '../users/user-history.http.controller';
import type { ConsoleRequest } from './console-gate';
import { actionButton, CONSOLE_PATH, csrfField, prettyJson, redirect, sendPage } from './console-page';
import { ConsoleSessions } from './console-sessions';
import { formText } from './form-fields';
import { html, SafeHtml } from './html';
import { asInstant } from './instants';

const usersPath = (providerId: string) => `${CONSOLE_PATH}/idps/${encodeURIComponent(providerId)}/users`;
const userPath = (providerId: string, userId: string) => `${usersPath(providerId)}/${encodeURIComponent(userId)}`;
/** The most recent events a page lists: a user patched daily for years stays one quick page. */
export const HISTORY_PAGE_EVENTS = 500;
/** Every event there is: the user as its IdP's GET renders it now. */
const NOW = { kind: 'position', position: Number.MAX_SAFE_INTEGER } as const;

/** Finding a user, its current SCIM resource, its history and any past state, and the administrator's two remedies: clear and re-provision. */
// HTML pages for a browser with a session cookie, not an API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('admin/idps/:providerId/users')
export class ConsoleUsersController implements OnModuleInit {
  private users!: AdminUsersController;
  private pastStates!: UserHistoryController;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly views: IdentityProviderViews,
    private readonly history: UserHistory,
    private readonly tenantUrls: TenantUrls,
    private readonly sessions: ConsoleSessions,
  ) {}

  onModuleInit(): void {
    this.users = this.moduleRef.get(AdminUsersController, { strict: false });
    this.pastStates = this.moduleRef.get(UserHistoryController, { strict: false });
  }

  @Get()
  async find(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string, @Query('by') by: unknown, @Query('value') value: unknown) {
    const idp = await this.views.describe(request, providerId);
    const { users } = await this.users.find(providerId, { [String(by)]: value });
    const rows = users.map(
      (u) => html`<tr><th scope="row"><a href="${userPath(providerId, u.id)}">${u.userName}</a></th><td><code>${u.id}</code></td><td>${u.externalId ?? ''}</td><td>${u.active ? 'yes' : 'no'}</td><td>${u.awaitingReprovision ? 'awaiting re-provisioning' : ''}</td></tr>`,
    );
    const body = html`<table>
<caption>Users of ${idp.displayName} with ${String(by)} ${String(value)}</caption>
<thead><tr><th scope="col">userName</th><th scope="col">Id</th><th scope="col">externalId</th><th scope="col">Active</th><th scope="col">State</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="5">No user found.</td></tr>`}</tbody>
</table>
<p><a href="${CONSOLE_PATH}/idps/${encodeURIComponent(providerId)}">Back to ${idp.displayName}</a></p>`;
    return sendPage(reply, { title: 'Users found', body, session: request.consoleSession });
  }

  @Get(':userId')
  async show(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string, @Param('userId', UserIdPipe) userId: string, @Query('at') at: unknown) {
    const session = request.consoleSession!;
    const idp = await this.views.describe(request, providerId);
    const events = await this.history.history(providerId, userId, {});
    const location = `${this.tenantUrls.tenantUrl(request, providerId)}/Users/${encodeURIComponent(userId)}`;
    const current = await this.section(() => this.history.asOf(providerId, userId, NOW, 'now', location));
    const asOf = typeof at === 'string' && at !== '' ? await this.section(() => this.pastStates.asOf(request, providerId, userId, { at: asInstant(at) })) : undefined;
    const base = userPath(providerId, userId);
    const body = html`<p>Identity provider: <a href="${CONSOLE_PATH}/idps/${encodeURIComponent(providerId)}">${idp.displayName}</a> · id <code>${userId}</code></p>
<section aria-labelledby="h-current"><h2 id="h-current">Current SCIM resource</h2>
${current.ok ? html`${current.value.awaitingReprovision ? html`<p>Awaiting re-provisioning: its IdP does not see it until its next POST.</p>` : null}${prettyJson(current.value.user)}` : html`<p>${current.message}</p>`}
</section>
<section aria-labelledby="h-actions"><h2 id="h-actions">Remedies</h2>
<form method="post" action="${base}/clear">${csrfField(session)}
<p><label for="paths">Attributes to clear, one path a line (title, phoneNumbers[type eq "mobile"].value, JobCode)</label><br><textarea id="paths" name="paths" rows="3" cols="60" required></textarea></p>
<p><button type="submit">Clear</button></p></form>
${actionButton(session, `${base}/reprovision`, 'Request re-provisioning')}
</section>
<section aria-labelledby="h-as-of"><h2 id="h-as-of">As of a time</h2>
<form method="get" action="${base}">
<p><label for="at">Time (UTC) or log position</label> <input id="at" name="at" value="${typeof at === 'string' ? at : ''}" placeholder="2026-12-02T07:00:00Z"> <button type="submit">Show</button></p></form>
${asOf === undefined ? null : asOf.ok ? html`<p>As of ${String(at)}: event ${asOf.value.revision} at ${asOf.value.occurredAt}</p>${prettyJson(asOf.value.user)}` : html`<p role="alert" class="error">${asOf.message}</p>`}
</section>
<section aria-labelledby="h-history"><h2 id="h-history">History</h2>${historyTable(events, tokenLabels(idp.tokens))}</section>`;
    return sendPage(reply, { title: `User ${String(current.ok ? current.value.user.userName : userId)}`, body, session, notice: this.sessions.takeNotice(session) });
  }

  @Post(':userId/clear')
  async clear(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string, @Param('userId', UserIdPipe) userId: string) {
    const paths = (formText(request.body, 'paths') ?? '').split(/\r?\n/).map((p) => p.trim()).filter((p) => p !== '');
    const { cleared } = await this.users.clear(adminProvenance(request), providerId, userId, { paths });
    request.consoleSession!.notice = cleared.length > 0 ? `Cleared ${cleared.join(', ')}.` : 'Nothing to clear: the user had none of these values.';
    return redirect(reply, userPath(providerId, userId));
  }

  @Post(':userId/reprovision')
  async reprovision(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string, @Param('userId', UserIdPipe) userId: string) {
    await this.users.reprovision(adminProvenance(request), providerId, userId);
    request.consoleSession!.notice = 'Re-provisioning requested: the user is hidden from its IdP until its next POST.';
    return redirect(reply, userPath(providerId, userId));
  }

  /** A part of the page that may not exist (a deleted user's current state, a time before it existed): its message in place. */
  private async section<T>(read: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
    try {
      return { ok: true, value: await read() };
    } catch (error) {
      const known = toAdminError(error);
      if (!known || known.status >= 500) throw error;
      return { ok: false, message: known.message };
    }
  }
}

/** An IdP token's label by id: the history names the token an event came with by id only. */
function tokenLabels(tokens: readonly TokenSummary[]): ReadonlyMap<string, string> {
  return new Map(tokens.flatMap((t) => (t.label ? [[t.tokenId, t.label] as const] : [])));
}

function historyTable(all: readonly UserHistoryEntry[], labels: ReadonlyMap<string, string>): SafeHtml {
  const events = all.slice(-HISTORY_PAGE_EVENTS);
  const earlier = all.length - events.length;
  const rows = events.map(
    (e) => html`<tr><th scope="row">${e.revision}</th><td>${e.type}</td><td><time datetime="${e.occurredAt}">${e.occurredAt}</time></td><td>${actorOf(e, labels)}</td><td><code>${e.requestId ?? ''}</code></td>
<td>${prettyJson(e.change)}${e.droppedAttributes?.length ? html`<p>Dropped: ${e.droppedAttributes.join(', ')}</p>` : null}</td></tr>`,
  );
  return html`${earlier > 0 ? html`<p>The ${earlier} earlier events are not listed here: the admin API's history (?from= ?to=) has them all.</p>` : null}<table>
<thead><tr><th scope="col">#</th><th scope="col">Event</th><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Request id</th><th scope="col">Change</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

function actorOf(entry: UserHistoryEntry, labels: ReadonlyMap<string, string>): string {
  const actor = entry.actor as { kind: string; name?: string; tokenId?: string };
  const name = actor.name ?? (actor.tokenId === undefined ? undefined : labels.get(actor.tokenId));
  return [actor.kind, name, actor.tokenId].filter(Boolean).join(' · ');
}
