import { adminToken, adminTokens, attribute, attributes, issuedToken, provider, providers, SHOWN_ONCE, tokens, user, userAsOf, userHistory, users } from './result-views';
import { AUDIT_EXPORT_COMMANDS } from './audit-export-commands';
import { AUDIT_REBUILD_COMMANDS } from './audit-rebuild-commands';
import { JOURNAL_COMMANDS } from './journal-commands';
import { ApiRequest, Arguments, Command, UsageError } from './command';
import { fields } from './render';

const enc = encodeURIComponent;
const idp = (args: Arguments) => `/identity-providers/${enc(args.named.providerId)}`;

function onOff(value: string | undefined): boolean {
  if (value === 'on' || value === 'off') return value === 'on';
  throw new UsageError(`--rebaseline-matching-posts takes on or off, not "${value}"`);
}

const LOOKUPS = ['userName', 'email', 'externalId'] as const;

/** Every command, as issues 9 and 10 name them. */
export const COMMANDS: readonly Command[] = [
  {
    name: 'idp create',
    positionals: [],
    options: ['name', 'id'],
    required: ['name'],
    usage: 'idp create --name <display name> [--id <provider id>]   (default id: a random UUID)',
    request: ({ options }) => ({ method: 'POST', path: '/identity-providers', body: { displayName: options.name, providerId: options.id } }),
    render: (p) => provider(p) + 'Hand the Tenant URL to the customer; then: token issue, idp enable-scim.\n',
  },
  {
    name: 'idp list',
    positionals: [],
    usage: 'idp list',
    request: () => ({ method: 'GET', path: '/identity-providers' }),
    render: (r) => providers(r.identityProviders),
  },
  {
    name: 'idp show',
    positionals: ['providerId'],
    usage: 'idp show <providerId>',
    request: (args) => ({ method: 'GET', path: idp(args) }),
    render: (p) => `${provider(p)}\nTokens:\n${tokens(p.tokens)}\nCustom attributes:\n${attributes(p.customAttributes)}`,
  },
  ...(['enable-scim', 'disable-scim', 'retire'] as const).map(
    (action): Command => ({
      name: `idp ${action}`,
      positionals: ['providerId'],
      usage: `idp ${action} <providerId>`,
      request: (args) => ({ method: 'POST', path: `${idp(args)}/${action}` }),
      render: provider,
    }),
  ),
  {
    name: 'idp set',
    positionals: ['providerId'],
    options: ['rebaseline-matching-posts'],
    required: ['rebaseline-matching-posts'],
    usage: 'idp set <providerId> --rebaseline-matching-posts on|off',
    request: (args) => ({ method: 'PATCH', path: idp(args), body: { rebaselineMatchingPosts: onOff(args.options['rebaseline-matching-posts']) } }),
    render: provider,
  },
  {
    name: 'token issue',
    positionals: ['providerId'],
    options: ['scopes', 'expires-in', 'label'],
    usage: 'token issue <providerId> [--scopes users:read,users:write,users:delete] [--expires-in 90d] [--label <text>]',
    request: (args) => ({
      method: 'POST',
      path: `${idp(args)}/tokens`,
      body: { scopes: args.options.scopes, expiresIn: args.options['expires-in'], label: args.options.label },
    }),
    render: (t) => issuedToken(t) + SHOWN_ONCE,
  },
  {
    name: 'token list',
    positionals: ['providerId'],
    usage: 'token list <providerId>',
    request: (args) => ({ method: 'GET', path: `${idp(args)}/tokens` }),
    render: (r) => tokens(r.tokens),
  },
  {
    name: 'token revoke',
    positionals: ['providerId', 'tokenId'],
    usage: 'token revoke <providerId> <tokenId>',
    request: (args) => ({ method: 'POST', path: `${idp(args)}/tokens/${enc(args.named.tokenId)}/revoke` }),
    render: (t) => tokens([t]),
  },
  {
    name: 'token rotate',
    positionals: ['providerId', 'tokenId'],
    options: ['overlap'],
    usage: 'token rotate <providerId> <tokenId> [--overlap 24h]   (the old token works until the overlap ends)',
    request: (args) => ({ method: 'POST', path: `${idp(args)}/tokens/${enc(args.named.tokenId)}/rotate`, body: { overlap: args.options.overlap } }),
    render: (t) => issuedToken(t) + fields([['Old token', t.rotated?.tokenId], ['Old token works until', t.rotated?.expiresAt]]) + SHOWN_ONCE,
  },
  {
    name: 'attribute register',
    positionals: ['providerId', 'name'],
    options: ['type'],
    usage: 'attribute register <providerId> <name> [--type string|boolean|integer|decimal|dateTime]   (name: JobCode, or urn:…:2.0:User:JobCode)',
    request: (args) => ({ method: 'POST', path: `${idp(args)}/custom-attributes`, body: { name: args.named.name, type: args.options.type } }),
    render: attribute,
  },
  {
    name: 'attribute list',
    positionals: ['providerId'],
    usage: 'attribute list <providerId>',
    request: (args) => ({ method: 'GET', path: `${idp(args)}/custom-attributes` }),
    render: (r) => attributes(r.customAttributes),
  },
  {
    name: 'attribute retire',
    positionals: ['providerId', 'name'],
    usage: 'attribute retire <providerId> <name>',
    request: (args) => ({ method: 'POST', path: `${idp(args)}/custom-attributes/${enc(args.named.name)}/retire` }),
    render: attribute,
  },
  {
    name: 'user find',
    positionals: ['providerId'],
    options: LOOKUPS,
    usage: 'user find <providerId> (--userName|--email|--externalId) <value>',
    request: (args) => {
      const given = LOOKUPS.filter((by) => args.options[by] !== undefined);
      if (given.length !== 1) throw new UsageError('user find takes exactly one of --userName, --email, --externalId');
      return { method: 'GET', path: `${idp(args)}/users?${given[0]}=${enc(args.options[given[0]]!)}` };
    },
    render: (r) => users(r.users),
  },
  {
    name: 'user clear',
    positionals: ['providerId', 'userId', '...paths'],
    usage: 'user clear <providerId> <userId> <attribute path>...   (e.g. title \'phoneNumbers[type eq "mobile"].value\' JobCode)',
    request: (args) => ({ method: 'POST', path: `${idp(args)}/users/${enc(args.named.userId)}/clear`, body: { paths: args.rest } }),
    render: (r) => user(r.user) + fields([['Cleared', r.cleared.length > 0 ? r.cleared.join(', ') : '(none of them had a value)']]),
  },
  {
    name: 'user reprovision',
    positionals: ['providerId', 'userId'],
    usage: 'user reprovision <providerId> <userId>   (hidden from its IdP until its next POST re-baselines it)',
    request: (args) => ({ method: 'POST', path: `${idp(args)}/users/${enc(args.named.userId)}/reprovision` }),
    render: (r) => user(r.user) + 'Next: Provision on demand in Entra ID (or its next cycle after re-assignment) POSTs the user afresh, with the same id.\n',
  },
  {
    name: 'user history',
    positionals: ['providerId', 'userId'],
    options: ['from', 'to'],
    usage: 'user history <providerId> <userId> [--from <ISO time>] [--to <ISO time>]   (every event of the user, with who did it and the request id)',
    request: (args) => {
      const window = (['from', 'to'] as const).filter((end) => args.options[end] !== undefined).map((end) => `${end}=${enc(args.options[end]!)}`);
      return { method: 'GET', path: `${idp(args)}/users/${enc(args.named.userId)}/history${window.length > 0 ? `?${window.join('&')}` : ''}` };
    },
    render: (r) => userHistory(r.events),
  },
  {
    name: 'user as-of',
    positionals: ['providerId', 'userId', 'at'],
    usage: 'user as-of <providerId> <userId> <ISO time|log position>   (the user as the event log says it was then)',
    request: (args) => ({ method: 'GET', path: `${idp(args)}/users/${enc(args.named.userId)}/as-of?at=${enc(args.named.at)}` }),
    render: userAsOf,
  },
  {
    name: 'admin-token issue',
    positionals: [],
    options: ['label'],
    required: ['label'],
    usage: 'admin-token issue --label <whose it is>',
    request: ({ options }) => ({ method: 'POST', path: '/admin-tokens', body: { label: options.label } }),
    render: (t) => adminToken(t) + 'The secret is shown once; the administrator sets it as ADMIN_TOKEN.\n',
  },
  {
    name: 'admin-token list',
    positionals: [],
    usage: 'admin-token list',
    request: () => ({ method: 'GET', path: '/admin-tokens' }),
    render: (r) => adminTokens(r.adminTokens),
  },
  {
    name: 'admin-token revoke',
    positionals: ['tokenId'],
    usage: 'admin-token revoke <tokenId>',
    request: (args) => ({ method: 'POST', path: `/admin-tokens/${enc(args.named.tokenId)}/revoke` }),
    render: adminToken,
  },
  ...JOURNAL_COMMANDS,
  ...AUDIT_REBUILD_COMMANDS,
  ...AUDIT_EXPORT_COMMANDS,
];
