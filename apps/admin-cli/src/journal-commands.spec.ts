import type { RequestCommand } from './command';
import { parseCommandLine } from './command-line';
import { JOURNAL_COMMANDS } from './journal-commands';

const command = (name: string) => JOURNAL_COMMANDS.find((c) => c.name === name) as RequestCommand;
const requestOf = (...argv: string[]) => {
  const line = parseCommandLine(argv);
  if (line.kind !== 'run') throw new Error(`not a command line: ${argv.join(' ')}`);
  return (line.command as RequestCommand).request(line.args);
};

const at = '2026-12-02T07:00:00.000Z';
const entry = {
  at,
  requestId: 'r-1',
  providerId: 'contoso',
  tokenId: 't-1',
  clientAddress: '10.0.0.1',
  method: 'POST',
  path: '/scim/v2/enterprise-idps/contoso/Users',
  status: 409,
  scimType: 'uniqueness',
  detail: 'userName\nis taken',
  durationMs: 4,
  identifiers: { userIds: [], userNames: ['ada@contoso.example'], emails: ['ada@contoso.example'], externalIds: ['x-1'] },
  body: { userName: 'ada@contoso.example' },
  bodyTruncated: false,
};

describe('journal commands', () => {
  it('send each option as its query parameter, encoded', () => {
    expect(requestOf('journal', 'search', '--email', 'a+b@x.example', '--user-id', 'u-1', '--idp', 'contoso', '--from', at, '--status', '4xx', '--limit', '5', '--cursor', 'c')).toEqual({
      method: 'GET',
      path: `/journal?email=a%2Bb%40x.example&userId=u-1&providerId=contoso&from=${encodeURIComponent(at)}&status=4xx&limit=5&cursor=c`,
    });
    expect(requestOf('journal', 'search', '--userName', 'ada', '--externalId', 'x 1')).toEqual({ method: 'GET', path: '/journal?userName=ada&externalId=x%201' });
    expect(requestOf('journal', 'show', 'r/1')).toEqual({ method: 'GET', path: '/journal/r%2F1' });
  });

  it('need an identifier or an IdP to search by', () => {
    expect(() => requestOf('journal', 'search', '--from', at, '--status', '5xx')).toThrow(/needs at least one of --email, --userName, --externalId, --user-id, --idp/);
  });

  it('render one line per request, and say how to go on', () => {
    const out = command('journal search').render({ entries: [entry], nextCursor: 'next' });
    expect(out.split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['TIME', 'IDP', 'METHOD', 'PATH', 'STATUS', 'SCIMTYPE', 'REQUEST ID', 'DETAIL'],
      [at, 'contoso', 'POST', '/scim/v2/enterprise-idps/contoso/Users', '409', 'uniqueness', 'r-1', 'userName is taken'],
      ['More entries may match: add --cursor next'],
      [''],
    ]);
    expect(command('journal search').render({ entries: [] })).toBe('(no request in the journal matches)\n');
    expect(command('journal search').render({ entries: [], nextCursor: 'c' })).toBe('(none in this stretch of the journal)\nMore entries may match: add --cursor c\n');
  });

  it('show one request in full, its body as JSON or as the text kept', () => {
    const out = command('journal show').render(entry);
    expect(out).toContain('Request:         POST /scim/v2/enterprise-idps/contoso/Users');
    expect(out).toContain('Emails:          ada@contoso.example');
    expect(out).toContain('{\n  "userName": "ada@contoso.example"\n}\n');
    expect(command('journal show').render({ ...entry, body: '{"userName":"ad', bodyTruncated: true })).toMatch(/Body: +\(cut at JOURNAL_BODY_MAX_BYTES\)\n\{"userName":"ad\n$/);
    expect(command('journal show').render({ ...entry, body: null })).toMatch(/Body: +\(none\)\n$/);
  });
});
