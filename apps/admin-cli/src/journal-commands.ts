import { Arguments, Command, UsageError } from './command';
import { fields, table } from './render';

/** CLI option → the search's query parameter. */
const SEARCH = { email: 'email', userName: 'userName', externalId: 'externalId', 'user-id': 'userId', idp: 'providerId', from: 'from', to: 'to', status: 'status', limit: 'limit', cursor: 'cursor' } as const;
const NARROWING = ['email', 'userName', 'externalId', 'user-id', 'idp'] as const;

function searchPath({ options }: Arguments): string {
  if (!NARROWING.some((name) => options[name] !== undefined)) throw new UsageError(`journal search needs at least one of ${NARROWING.map((n) => `--${n}`).join(', ')}`);
  const query = Object.entries(SEARCH)
    .filter(([option]) => options[option] !== undefined)
    .map(([option, parameter]) => `${parameter}=${encodeURIComponent(options[option]!)}`);
  return `/journal?${query.join('&')}`;
}

/** One line per request: enough to answer "what happened to <mail> at <time>?". */
/* eslint-disable @typescript-eslint/no-explicit-any */
const entries = (r: any) =>
  table(
    r.entries,
    [
      ['TIME', (e: any) => e.at],
      ['IDP', (e: any) => e.providerId],
      ['METHOD', (e: any) => e.method],
      ['PATH', (e: any) => e.path],
      ['STATUS', (e: any) => e.status],
      ['SCIMTYPE', (e: any) => e.scimType],
      ['REQUEST ID', (e: any) => e.requestId],
      ['DETAIL', (e: any) => e.detail?.replace(/\s+/g, ' ')],
    ],
    r.nextCursor ? '(none in this stretch of the journal)' : '(no request in the journal matches)',
  ) + (r.nextCursor ? `More entries may match: add --cursor ${r.nextCursor}\n` : '');

const entry = (e: any) =>
  fields([
    ['Time', e.at],
    ['Request id', e.requestId],
    ['IdP', e.providerId],
    ['Token id', e.tokenId],
    ['Client address', e.clientAddress],
    ['Request', `${e.method} ${e.path}`],
    ['Status', e.status],
    ['scimType', e.scimType],
    ['Detail', e.detail],
    ['Duration', `${e.durationMs} ms`],
    ['User ids', e.identifiers.userIds.join(', ') || undefined],
    ['userNames', e.identifiers.userNames.join(', ') || undefined],
    ['Emails', e.identifiers.emails.join(', ') || undefined],
    ['externalIds', e.identifiers.externalIds.join(', ') || undefined],
    ['Body', e.body === null ? '(none)' : e.bodyTruncated ? '(cut at JOURNAL_BODY_MAX_BYTES)' : undefined],
  ]) + (e.body === null ? '' : `${e.bodyTruncated ? e.body : JSON.stringify(e.body, null, 2)}\n`);
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Issue 10's journal search. */
export const JOURNAL_COMMANDS: readonly Command[] = [
  {
    name: 'journal search',
    positionals: [],
    options: Object.keys(SEARCH),
    usage:
      'journal search [--email <m>] [--userName <u>] [--externalId <x>] [--user-id <id>] [--idp <providerId>] [--from <ISO time>] [--to <ISO time>] [--status 4xx|409] [--limit N] [--cursor <c>]' +
      '   (every SCIM request for them, rejected ones included, oldest first; --json adds bodies)',
    request: (args) => ({ method: 'GET', path: searchPath(args) }),
    render: entries,
  },
  {
    name: 'journal show',
    positionals: ['requestId'],
    usage: 'journal show <requestId>   (one request in full: what was sent, what it got; the X-Request-Id of its answer)',
    request: (args) => ({ method: 'GET', path: `/journal/${encodeURIComponent(args.named.requestId)}` }),
    render: entry,
  },
];
