import { ApiExcludeController } from '@nestjs/swagger';
import { ALL_TOKEN_SCOPES } from '@app/identity/identity-provider/token-scopes';
import type { ProviderDetails, TokenSummary } from '@app/read-model/store/identity-provider-directory';
import { CUSTOM_ATTRIBUTE_TYPES } from '@app/scim/schema/custom-attribute';
import { Controller, Get, OnModuleInit, Param, Post, Req, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { adminProvenance } from '../auth/admin-provenance.decorator';
import { AdminRequestError } from '../http/admin-errors';
import { CustomAttributesController } from '../identity-providers/custom-attributes.http.controller';
import { IdentityProviderViews, ProviderView } from '../identity-providers/identity-provider-views';
import { IdentityProvidersController } from '../identity-providers/identity-providers.http.controller';
import { TokensController } from '../identity-providers/tokens.http.controller';
import type { ConsoleRequest } from './console-gate';
import { actionButton, CONSOLE_PATH, csrfField, redirect, sendPage } from './console-page';
import { ConsoleSession, ConsoleSessions } from './console-sessions';
import { formList, formText } from './form-fields';
import { html, SafeHtml } from './html';

const IDPS = `${CONSOLE_PATH}/idps`;
const idpPath = (providerId: string) => `${IDPS}/${encodeURIComponent(providerId)}`;

/**
 * IdPs, their tokens and custom attributes as pages. Every change calls the admin API's own route
 * method (validation, decision, provenance: the signed-in admin token), so the console can do
 * nothing the API does not, and nothing differently.
 */
// HTML pages for a browser with a session cookie, not an API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('admin/idps')
export class ConsoleIdentityProvidersController implements OnModuleInit {
  private providers!: IdentityProvidersController;
  private tokens!: TokensController;
  private attributes!: CustomAttributesController;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly views: IdentityProviderViews,
    private readonly sessions: ConsoleSessions,
  ) {}

  onModuleInit(): void {
    this.providers = this.moduleRef.get(IdentityProvidersController, { strict: false });
    this.tokens = this.moduleRef.get(TokensController, { strict: false });
    this.attributes = this.moduleRef.get(CustomAttributesController, { strict: false });
  }

  @Get()
  async list(@Req() request: ConsoleRequest, @Res() reply: FastifyReply) {
    const session = request.consoleSession!;
    const providers = await this.views.list(request);
    const rows = providers.map(
      (p) => html`<tr><th scope="row"><a href="${idpPath(p.providerId)}">${p.displayName}</a></th><td><code>${p.providerId}</code></td><td>${p.retired ? 'retired' : p.scimEnabled ? 'on' : 'off'}</td></tr>`,
    );
    const body = html`<table>
<caption>Registered identity providers</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">SCIM</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="3">None yet.</td></tr>`}</tbody>
</table>
<h2>Register an identity provider</h2>
<form method="post" action="${IDPS}">${csrfField(session)}
<p><label for="displayName">Name</label> <input id="displayName" name="displayName" required maxlength="200"></p>
<p><label for="providerId">Id (optional; a random UUID by default)</label> <input id="providerId" name="providerId"></p>
<p><button type="submit">Register</button></p>
</form>`;
    return sendPage(reply, { title: 'Identity providers', body, session, notice: this.sessions.takeNotice(session) });
  }

  @Post()
  async register(@Req() request: ConsoleRequest, @Res() reply: FastifyReply) {
    const form = { displayName: formText(request.body, 'displayName') ?? '', providerId: formText(request.body, 'providerId') };
    const idp = await this.providers.register(adminProvenance(request), request, form);
    return this.done(request, reply, idpPath(idp.providerId), `Registered ${idp.displayName}.`);
  }

  @Get(':providerId')
  async show(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string) {
    const session = request.consoleSession!;
    const idp = await this.views.describe(request, providerId);
    return sendPage(reply, { title: idp.displayName, body: providerPage(session, idp), session, notice: this.sessions.takeNotice(session) });
  }

  @Post(':providerId/scim')
  async scim(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string) {
    const enable = formText(request.body, 'enabled') === 'true';
    const change = enable ? this.providers.enableScim : this.providers.disableScim;
    await change.call(this.providers, adminProvenance(request), request, providerId);
    return this.done(request, reply, idpPath(providerId), enable ? 'SCIM enabled.' : 'SCIM disabled.');
  }

  @Post(':providerId/tokens')
  async issue(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string) {
    const form = { scopes: formList(request.body, 'scopes'), expiresIn: formText(request.body, 'expiresIn'), label: formText(request.body, 'label') };
    const issued = await this.tokens.issue(adminProvenance(request), request, providerId, form);
    // Read-your-writes: the token just written is in the read model.
    return this.showSecretOnce(request, reply, providerId, issued.token, issued.tokenId!);
  }

  @Post(':providerId/tokens/:tokenId/rotate')
  async rotate(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string, @Param('tokenId') tokenId: string) {
    const rotated = await this.tokens.rotate(adminProvenance(request), request, providerId, tokenId, { overlap: formText(request.body, 'overlap') });
    return this.showSecretOnce(request, reply, providerId, rotated.token, rotated.tokenId!);
  }

  @Post(':providerId/tokens/:tokenId/revoke')
  async revoke(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string, @Param('tokenId') tokenId: string) {
    await this.tokens.revoke(adminProvenance(request), request, providerId, tokenId);
    return this.done(request, reply, idpPath(providerId), `Token ${tokenId} revoked.`);
  }

  /** A token just issued or rotated: its secret once (kept in the session between the POST and this page), then never again. */
  @Get(':providerId/tokens/:tokenId')
  async token(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string, @Param('tokenId') tokenId: string) {
    const session = request.consoleSession!;
    const idp = await this.views.describe(request, providerId);
    const token = idp.tokens.find((t) => t.tokenId === tokenId);
    if (!token) throw AdminRequestError.notFound(`No token ${tokenId} on ${idp.displayName}`);
    const secret = this.sessions.takeSecret(session, tokenId);
    const shown = secret
      ? html`<h2>Secret Token</h2><p>Copy it now into Entra's Secret Token field: it is shown this once and never again.</p>
<p class="secret" id="secret">${secret}</p><p><button type="button" data-copy="secret">Copy the secret</button></p>`
      : html`<p id="no-secret">The secret of this token was shown once, when it was issued; it cannot be shown again. Rotate the token for a new one.</p>`;
    const body = html`${shown}${tokensTable(session, idp, [token])}<p><a href="${idpPath(providerId)}">Back to ${idp.displayName}</a></p>`;
    return sendPage(reply, { title: `Token ${token.label ?? token.tokenId}`, body, session });
  }

  @Post(':providerId/attributes')
  async registerAttribute(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string) {
    const form = { name: formText(request.body, 'name') ?? '', type: formText(request.body, 'type') };
    const attribute = await this.attributes.register(adminProvenance(request), request, providerId, form);
    return this.done(request, reply, idpPath(providerId), `Attribute ${attribute?.name ?? form.name} registered.`);
  }

  @Post(':providerId/attributes/retire')
  async retireAttribute(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Param('providerId') providerId: string) {
    const name = formText(request.body, 'name') ?? '';
    await this.attributes.retire(adminProvenance(request), request, providerId, name);
    return this.done(request, reply, idpPath(providerId), `Attribute ${name} retired.`);
  }

  private showSecretOnce(request: ConsoleRequest, reply: FastifyReply, providerId: string, secret: string, tokenId: string) {
    this.sessions.keepSecret(request.consoleSession!, tokenId, secret);
    return redirect(reply, `${idpPath(providerId)}/tokens/${encodeURIComponent(tokenId)}`);
  }

  private done(request: ConsoleRequest, reply: FastifyReply, location: string, notice: string) {
    request.consoleSession!.notice = notice;
    return redirect(reply, location);
  }
}

function providerPage(session: ConsoleSession, idp: ProviderView): SafeHtml {
  const base = idpPath(idp.providerId);
  return html`<section aria-labelledby="h-connection"><h2 id="h-connection">Connection</h2>
<dl>
<dt>Tenant URL</dt><dd><code id="tenant-url">${idp.tenantUrl}</code> <button type="button" data-copy="tenant-url">Copy the Tenant URL</button></dd>
<dt>Id</dt><dd><code>${idp.providerId}</code></dd>
<dt>SCIM</dt><dd id="scim-state">${idp.retired ? 'retired' : idp.scimEnabled ? 'on' : 'off'}</dd>
</dl>
${idp.retired ? null : actionButton(session, `${base}/scim`, idp.scimEnabled ? 'Disable SCIM' : 'Enable SCIM', html`<input type="hidden" name="enabled" value="${String(!idp.scimEnabled)}">`)}
</section>
<section aria-labelledby="h-tokens"><h2 id="h-tokens">Tokens</h2>
${tokensTable(session, idp, idp.tokens)}
<h3>Issue a token</h3>
<form method="post" action="${base}/tokens">${csrfField(session)}
<fieldset><legend>Scopes</legend>${ALL_TOKEN_SCOPES.map((scope) => html`<label><input type="checkbox" name="scopes" value="${scope}" checked> ${scope}</label>`)}</fieldset>
<p><label for="label">Label</label> <input id="label" name="label" maxlength="200"></p>
<p><label for="expiresIn">Expires in (e.g. 90d; empty: never)</label> <input id="expiresIn" name="expiresIn"></p>
<p><button type="submit">Issue a token</button></p>
</form></section>
<section aria-labelledby="h-attributes"><h2 id="h-attributes">Custom attributes</h2>
${attributesTable(session, idp)}
<h3>Register an attribute</h3>
<form method="post" action="${base}/attributes">${csrfField(session)}
<p><label for="attribute-name">Name (as in Entra's list, e.g. JobCode)</label> <input id="attribute-name" name="name" required></p>
<p><label for="attribute-type">Type</label> <select id="attribute-type" name="type">${CUSTOM_ATTRIBUTE_TYPES.map((t) => html`<option>${t}</option>`)}</select></p>
<p><button type="submit">Register the attribute</button></p>
</form></section>
<section aria-labelledby="h-users"><h2 id="h-users">Find a user</h2>
<form method="get" action="${base}/users">
<p><label for="by">By</label> <select id="by" name="by"><option value="userName">userName</option><option value="email">mail</option><option value="externalId">externalId</option></select>
<label for="value">Value</label> <input id="value" name="value" required>
<button type="submit">Find</button></p>
</form></section>`;
}

function tokensTable(session: ConsoleSession, idp: ProviderDetails, tokens: readonly TokenSummary[]): SafeHtml {
  const base = idpPath(idp.providerId);
  const rows = tokens.map((t) => {
    // Buttons name their token: a screen reader's list of buttons tells them apart (during a rotation's overlap two tokens share a label).
    const name = t.replacedBy ? `${t.label ?? t.tokenId} (rotated)` : (t.label ?? t.tokenId);
    const state = t.revoked ? 'revoked' : t.replacedBy ? `rotated (until ${t.expiresAt ?? '—'})` : 'live';
    // A rotated token was replaced already: only its replacement can be rotated (the API answers 409).
    const rotate = t.replacedBy
      ? null
      : actionButton(session, `${base}/tokens/${encodeURIComponent(t.tokenId)}/rotate`, `Rotate ${name}`, html`<label>overlap of ${name} <input name="overlap" value="24h" size="5"></label>`);
    const actions =
      t.revoked || idp.retired
        ? null
        : html`${rotate}
${actionButton(session, `${base}/tokens/${encodeURIComponent(t.tokenId)}/revoke`, `Revoke ${name}`)}`;
    return html`<tr><th scope="row">${t.label ?? '(no label)'}</th><td><code>${t.tokenId}</code></td><td>${t.scopes.join(', ')}</td><td>${t.issuedAt}</td><td>${t.expiresAt ?? 'never'}</td><td>${state}</td><td>${actions}</td></tr>`;
  });
  return html`<table>
<thead><tr><th scope="col">Label</th><th scope="col">Id</th><th scope="col">Scopes</th><th scope="col">Issued</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7">No tokens.</td></tr>`}</tbody>
</table>`;
}

function attributesTable(session: ConsoleSession, idp: ProviderDetails): SafeHtml {
  const rows = idp.customAttributes.map(
    (a) => html`<tr><th scope="row">${a.name}</th><td>${a.type}</td><td>${a.registeredAt}</td><td>${a.retired ? 'retired' : 'in force'}</td>
<td>${a.retired ? null : actionButton(session, `${idpPath(idp.providerId)}/attributes/retire`, `Retire ${a.name}`, html`<input type="hidden" name="name" value="${a.name}">`)}</td></tr>`,
  );
  return html`<table>
<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Registered</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="5">None registered.</td></tr>`}</tbody>
</table>`;
}
