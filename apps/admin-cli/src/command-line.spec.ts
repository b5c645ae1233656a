import fc from 'fast-check';
import { parseCommandLine, usage } from './command-line';
import { UsageError } from './command';
import { COMMANDS } from './commands';

const run = (argv: string[]) => {
  const line = parseCommandLine(argv);
  if (line.kind !== 'run' || 'run' in line.command) throw new Error('expected a request command');
  return { name: line.command.name, ...line.args, json: line.json, request: line.command.request(line.args) };
};

describe('the admin CLI command line', () => {
  it.each([
    [['idp', 'create', '--name', 'Contoso (Entra ID)'], 'POST', '/identity-providers', { displayName: 'Contoso (Entra ID)', providerId: undefined }],
    [['idp', 'create', '--name', 'Contoso', '--id', 'contoso'], 'POST', '/identity-providers', { displayName: 'Contoso', providerId: 'contoso' }],
    [['idp', 'list'], 'GET', '/identity-providers', undefined],
    [['idp', 'show', 'a b/c'], 'GET', '/identity-providers/a%20b%2Fc', undefined],
    [['idp', 'enable-scim', 'contoso'], 'POST', '/identity-providers/contoso/enable-scim', undefined],
    [['idp', 'disable-scim', 'contoso'], 'POST', '/identity-providers/contoso/disable-scim', undefined],
    [['idp', 'retire', 'contoso'], 'POST', '/identity-providers/contoso/retire', undefined],
    [['idp', 'set', 'contoso', '--rebaseline-matching-posts', 'on'], 'PATCH', '/identity-providers/contoso', { rebaselineMatchingPosts: true }],
    [['idp', 'set', 'contoso', '--rebaseline-matching-posts', 'off'], 'PATCH', '/identity-providers/contoso', { rebaselineMatchingPosts: false }],
    [['token', 'issue', 'contoso'], 'POST', '/identity-providers/contoso/tokens', { scopes: undefined, expiresIn: undefined, label: undefined }],
    [
      ['token', 'issue', 'contoso', '--scopes', 'users:read', '--expires-in', '90d', '--label', 'Entra prod'],
      'POST',
      '/identity-providers/contoso/tokens',
      { scopes: 'users:read', expiresIn: '90d', label: 'Entra prod' },
    ],
    [['token', 'list', 'contoso'], 'GET', '/identity-providers/contoso/tokens', undefined],
    [['token', 'revoke', 'contoso', 't-1'], 'POST', '/identity-providers/contoso/tokens/t-1/revoke', undefined],
    [['token', 'rotate', 'contoso', 't-1', '--overlap', '1h'], 'POST', '/identity-providers/contoso/tokens/t-1/rotate', { overlap: '1h' }],
    [['attribute', 'register', 'contoso', 'JobCode', '--type', 'integer'], 'POST', '/identity-providers/contoso/custom-attributes', { name: 'JobCode', type: 'integer' }],
    [['attribute', 'list', 'contoso'], 'GET', '/identity-providers/contoso/custom-attributes', undefined],
    [
      ['attribute', 'retire', 'contoso', 'urn:ietf:params:scim:schemas:extension:X:2.0:User:JobCode'],
      'POST',
      '/identity-providers/contoso/custom-attributes/urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3AX%3A2.0%3AUser%3AJobCode/retire',
      undefined,
    ],
    [['user', 'history', 'contoso', 'u-1'], 'GET', '/identity-providers/contoso/users/u-1/history', undefined],
    [['user', 'history', 'contoso', 'u-1', '--to', '2026-12-02T08:00+01:00', '--from', '2026-12-01'], 'GET', '/identity-providers/contoso/users/u-1/history?from=2026-12-01&to=2026-12-02T08%3A00%2B01%3A00', undefined],
    [['user', 'as-of', 'contoso', 'u-1', '2026-12-02T07:00:00Z'], 'GET', '/identity-providers/contoso/users/u-1/as-of?at=2026-12-02T07%3A00%3A00Z', undefined],
    [['user', 'as-of', 'contoso', 'u-1', '42'], 'GET', '/identity-providers/contoso/users/u-1/as-of?at=42', undefined],
    [['user', 'find', 'contoso', '--email', 'ada+1@example.com'], 'GET', '/identity-providers/contoso/users?email=ada%2B1%40example.com', undefined],
    [
      ['user', 'clear', 'contoso', 'u-1', 'title', 'phoneNumbers[type eq "mobile"].value'],
      'POST',
      '/identity-providers/contoso/users/u-1/clear',
      { paths: ['title', 'phoneNumbers[type eq "mobile"].value'] },
    ],
    [['user', 'reprovision', 'contoso', 'u-1'], 'POST', '/identity-providers/contoso/users/u-1/reprovision', undefined],
    [['admin-token', 'issue', '--label', 'Grace'], 'POST', '/admin-tokens', { label: 'Grace' }],
    [['admin-token', 'list'], 'GET', '/admin-tokens', undefined],
    [['admin-token', 'revoke', 'a-1'], 'POST', '/admin-tokens/a-1/revoke', undefined],
  ])('%j → %s %s', (argv, method, path, body) => {
    expect(run(argv).request).toEqual({ method, path, ...(body === undefined ? {} : { body }) });
  });

  it('takes --json anywhere after the words, and options before positionals', () => {
    expect(run(['idp', 'list', '--json']).json).toBe(true);
    expect(run(['--json', 'token', 'list', 'contoso'])).toMatchObject({ json: true, named: { providerId: 'contoso' } });
    expect(run(['token', 'issue', '--label', 'x', 'contoso']).named).toEqual({ providerId: 'contoso' });
    expect(run(['idp', 'list']).json).toBe(false);
  });

  it.each([
    [['idp', 'frobnicate'], 'Unknown command "idp frobnicate"'],
    [['nothing'], 'Unknown command "nothing"'],
    [['idp', 'show'], 'idp show needs <providerId>'],
    [['idp', 'show', 'a', 'b'], 'idp show takes no argument "b"'],
    [['user', 'clear', 'contoso', 'u-1'], 'user clear needs <paths>'],
    [['idp', 'create'], 'idp create needs --name'],
    [['idp', 'list', '--label', 'x'], 'idp list does not take --label'],
    [['idp', 'list', '--nope'], "Unknown option '--nope'"],
    [['idp', 'create', '--name'], "Option '--name <value>' argument missing"],
    [['user', 'find', 'contoso'], 'exactly one of --userName, --email, --externalId'],
    [['user', 'find', 'contoso', '--email', 'a', '--userName', 'b'], 'exactly one of --userName, --email, --externalId'],
    [['idp', 'set', 'contoso', '--rebaseline-matching-posts', 'yes'], 'takes on or off, not "yes"'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => run(argv)).toThrow(message);
  });

  it('answers --help, -h, help and no arguments with the usage; a command\'s --help with its own', () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) expect(parseCommandLine(argv)).toEqual({ kind: 'help', command: undefined });
    const line = parseCommandLine(['token', 'rotate', '--help']);
    expect(line.kind === 'help' && usage(line.command)).toBe('Usage: npm run admin -- token rotate <providerId> <tokenId> [--overlap 24h]   (the old token works until the overlap ends) [--json]\n');
    for (const command of COMMANDS) expect(usage()).toContain(command.usage);
  });

  it('gives every command its positionals back as typed, whatever they hold (property)', () => {
    const value = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.startsWith('-'));
    fc.assert(
      fc.property(fc.constantFrom(...COMMANDS.filter((c) => !c.required && c.name !== 'user find')), fc.array(value, { minLength: 3, maxLength: 5 }), (command, values) => {
        const variadic = command.positionals.at(-1)?.startsWith('...') === true;
        const count = variadic ? values.length : command.positionals.length;
        const line = parseCommandLine([...command.name.split(' '), ...values.slice(0, count)]);
        if (line.kind !== 'run') return false;
        const fixed = variadic ? command.positionals.length - 1 : command.positionals.length;
        expect(line.args.named).toEqual(Object.fromEntries(command.positionals.slice(0, fixed).map((name, i) => [name, values[i]])));
        expect(line.args.rest).toEqual(values.slice(fixed, count));
        return true;
      }),
    );
  });

  it('raises UsageError for mistakes it knows, so the CLI can print the usage and exit 2', () => {
    expect(() => parseCommandLine(['idp', 'show'])).toThrow(UsageError);
  });
});
