import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, OnModuleInit, Query, Req, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { JournalController } from '../journal/journal.http.controller';
import type { ConsoleRequest } from './console-gate';
import { CONSOLE_PATH, prettyJson, sendPage } from './console-page';
import { html, SafeHtml } from './html';
import { asInstant } from './instants';

const JOURNAL = `${CONSOLE_PATH}/journal`;
const FIELDS = ['email', 'userName', 'externalId', 'from', 'to', 'status'] as const;

type Entry = Awaited<ReturnType<JournalController['search']>>['entries'][number];

/** The request journal for support: which SCIM requests carried a mail (or userName, externalId) in a time window, what each sent and what it got. */
// HTML pages for a browser with a session cookie, not an API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('admin/journal')
export class ConsoleJournalController implements OnModuleInit {
  private journal!: JournalController;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    this.journal = this.moduleRef.get(JournalController, { strict: false });
  }

  @Get()
  async search(@Req() request: ConsoleRequest, @Res() reply: FastifyReply, @Query() query: Record<string, unknown>) {
    const given = Object.fromEntries(FIELDS.flatMap((name) => (typeof query[name] === 'string' && query[name] !== '' ? [[name, query[name] as string]] : [])));
    const asked = Object.keys(given).length > 0 || typeof query.cursor === 'string';
    const parameters = { ...given, ...(given.from ? { from: asInstant(given.from) } : {}), ...(given.to ? { to: asInstant(given.to) } : {}) };
    const page = asked ? await this.journal.search({ ...parameters, ...(typeof query.cursor === 'string' ? { cursor: query.cursor } : {}) }) : undefined;
    const next = page?.nextCursor ? `${JOURNAL}?${new URLSearchParams({ ...given, cursor: page.nextCursor })}` : undefined;
    const body = html`${searchForm(given)}
${page ? html`<section aria-labelledby="h-results" aria-live="polite"><h2 id="h-results">${page.entries.length} requests</h2>${entriesTable(page.entries)}${next ? html`<p><a href="${next}">Later requests</a></p>` : null}</section>` : null}`;
    return sendPage(reply, { title: 'Request journal', body, session: request.consoleSession });
  }
}

function searchForm(given: Partial<Record<(typeof FIELDS)[number], string>>): SafeHtml {
  const field = (name: (typeof FIELDS)[number], label: string, type = 'text') =>
    html`<p><label for="${name}">${label}</label> <input id="${name}" name="${name}" type="${type}" value="${given[name] ?? ''}"></p>`;
  return html`<form method="get" action="${JOURNAL}" role="search">
${field('email', 'Mail', 'email')}${field('userName', 'userName')}${field('externalId', 'externalId')}
${field('from', 'From (UTC, or ISO 8601 with a zone)')}${field('to', 'To (UTC, or ISO 8601 with a zone)')}
${field('status', 'Status (a code like 409 or a class like 4xx)')}
<p><button type="submit">Search</button></p>
</form>`;
}

function entriesTable(entries: readonly Entry[]): SafeHtml {
  const rows = entries.map(
    (e) => html`<tr><th scope="row"><time datetime="${e.at}">${e.at}</time></th><td>${e.method} <code>${e.path}</code></td><td>${e.status}</td><td>${e.scimType ?? ''} ${e.detail ?? ''}</td><td><code>${e.requestId}</code></td>
<td><details><summary>What was sent</summary>${e.body === null ? html`<p>No body.</p>` : prettyJson(e.body)}${e.bodyTruncated ? html`<p>(truncated)</p>` : null}<p>Client ${e.clientAddress}, token ${e.tokenId ?? 'none'}, ${e.durationMs} ms</p></details></td></tr>`,
  );
  return html`<table>
<thead><tr><th scope="col">Time</th><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Answer</th><th scope="col">Request id</th><th scope="col">Detail</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="6">No request matched.</td></tr>`}</tbody>
</table>`;
}
