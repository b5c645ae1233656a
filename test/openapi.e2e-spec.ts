import { temporaryDirectories } from '@app/testing/temporary-directories';
import { AdminClient, withAdminToken } from '@app/testing/admin-client';
import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient, ScimResponse, scimRequest } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { AppConfig, loadConfig } from '@app/platform/config/app-config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { createAdminApp, createScimApp } from '../apps/scim-api/src/create-app';

const temporaryDirectory = temporaryDirectories();

const PROVIDER = { providerId: 'openapi-idp', token: 'openapi-token-0123456789abcdef' };
const USERS = '/scim/v2/enterprise-idps/{providerId}/Users';
const SCIM_MEDIA = 'application/scim+json';
const run = promisify(execFile);
/** openapi-spec-validator (PyPI), pinned in test/openapi-validate.requirements.txt and installed on first use. */
const validateOpenApi = (file: string) => run('bash', [join(__dirname, 'openapi-validate.sh'), file], { timeout: 120_000 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Document = any;

/**
 * "METHOD /path" for every route Fastify registered, read from its route tree (printRoutes): each
 * line's depth is its indent over 4, its path its ancestors' segments and its own. HEAD routes
 * Fastify adds beside each GET and QUERY (a method OpenAPI 3.1 cannot describe) are left out.
 */
export function registeredRoutes(app: NestFastifyApplication): Set<string> {
  const tree: string = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const segments: string[] = [];
  const routes = new Set<string>();
  for (const line of tree.split('\n').filter(Boolean)) {
    const match = /^(.*?)(?:├── |└── )(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line)!;
    const depth = match[1].length / 4;
    segments.length = depth;
    // A wildcard child prints as `*` under its parent `…/groups`, the slash between them unprinted.
    segments.push(match[2] === '*' && !segments.join('').endsWith('/') ? '/*' : match[2]);
    const methods = match[3]?.split(', ') ?? [];
    for (const method of methods) {
      if (method === 'QUERY' || (method === 'HEAD' && methods.includes('GET'))) continue;
      routes.add(`${method} ${normalise(segments.join(''))}`);
    }
  }
  return routes;
}

/** The same routes as the document lists them (its HEAD beside a GET is Fastify's implied one). */
function documentedRoutes(document: Document): Set<string> {
  const routes = new Set<string>();
  for (const [path, item] of Object.entries<Record<string, unknown>>(document.paths)) {
    for (const method of Object.keys(item)) {
      if (method === 'head' && 'get' in item) continue;
      routes.add(`${method.toUpperCase()} ${normalise(path)}`);
    }
  }
  return routes;
}

/** Paths compared as the router matches them: case-insensitively, any parameter (`:id`, `{id}`, `*`) alike. */
function normalise(path: string): string {
  return path.toLowerCase().replace(/\{[^}]+\}|:[^/]+|\*/g, '{}');
}

/** A validator for one documented response: its schema compiled with the document's components, so `#/components/...` refs resolve. */
function responseValidator(document: Document, path: string, method: string, status: number, media: string) {
  const response = document.paths[path]?.[method]?.responses?.[status];
  if (!response?.content?.[media]) throw new Error(`${method} ${path} documents no ${status} ${media} answer`);
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  return ajv.compile({ ...response.content[media].schema, components: document.components });
}

function expectDocumented(document: Document, path: string, method: string, answer: ScimResponse, media = SCIM_MEDIA): void {
  expect(answer.headers.get('content-type')).toContain(media);
  const validate = responseValidator(document, path, method, answer.status, media);
  expect({ status: answer.status, valid: validate(answer.body), errors: validate.errors ?? null }).toEqual({ status: answer.status, valid: true, errors: null });
}

/** A request as `fetch` sent it. */
interface SentRequest {
  readonly method: string;
  readonly url: URL;
  readonly contentType?: string;
  readonly body?: string;
}

/** What `run` sends through `fetch` (the SCIM and admin clients' transport), recorded as it goes out. */
async function requestsSentBy(run: () => Promise<void>): Promise<SentRequest[]> {
  const sent: SentRequest[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? init.body : undefined;
    sent.push({ method: init?.method ?? 'GET', url: new URL(String(input)), contentType: headers.get('content-type') ?? undefined, body });
    return original(input, init);
  };
  try {
    await run();
  } finally {
    globalThis.fetch = original;
  }
  return sent;
}

/** The documented path a request reaches: segments compared as the router does, a literal one before a parameter (`/Users/.search` over `/Users/{userId}`). */
function documentedPath(document: Document, pathname: string): string | undefined {
  const segments = pathname.split('/').map((s) => decodeURIComponent(s).toLowerCase());
  const isParameter = (s: string) => /^\{[^}]+\}$/.test(s);
  const parameters = (path: string) => path.split('/').filter(isParameter).length;
  return Object.keys(document.paths)
    .filter((path) => {
      const template = path.split('/');
      return template.length === segments.length && template.every((s, i) => isParameter(s) || s.toLowerCase() === segments[i]);
    })
    .sort((a, b) => parameters(a) - parameters(b))[0];
}

/**
 * Where a request strays from the document, in words (none when it keeps to it): an undocumented
 * operation or query key, a query value outside its parameter's schema, a required parameter left
 * out, a body the operation does not take or that fails its requestBody schema (Ajv, as answers are).
 */
function requestProblems(document: Document, request: SentRequest): string[] {
  const path = documentedPath(document, request.url.pathname);
  const method = request.method.toLowerCase();
  const operation = path === undefined ? undefined : document.paths[path][method];
  const name = `${request.method} ${request.url.pathname}`;
  if (!operation) return [`${name} is not a documented operation`];
  const problems: string[] = [];
  const query = (operation.parameters ?? []).filter((p: Document) => p.in === 'query');
  // Query strings are text: a parameter's schema is checked with its types coerced (count=10 is an integer).
  const values = new Ajv2020({ strict: false, coerceTypes: true });
  addFormats(values);
  for (const key of new Set(request.url.searchParams.keys())) {
    const parameter = query.find((p: Document) => p.name === key);
    if (!parameter) {
      problems.push(`${name}: ?${key}= is not a documented parameter of ${method.toUpperCase()} ${path}`);
      continue;
    }
    const validate = values.compile({ ...parameter.schema, components: document.components });
    for (const value of request.url.searchParams.getAll(key)) {
      if (!validate(value)) problems.push(`${name}: ?${key}=${value} fails its schema: ${values.errorsText(validate.errors)}`);
    }
  }
  for (const parameter of query.filter((p: Document) => p.required && !request.url.searchParams.has(p.name))) problems.push(`${name}: the required ?${parameter.name}= is missing`);
  if (request.body === undefined) {
    if (operation.requestBody?.required) problems.push(`${name}: the required body is missing`);
    return problems;
  }
  const media = request.contentType?.split(';')[0].trim() ?? '';
  const schema = operation.requestBody?.content?.[media]?.schema;
  if (!schema) return [...problems, `${name}: ${method.toUpperCase()} ${path} documents no ${media} body`];
  const bodies = new Ajv2020({ strict: false });
  addFormats(bodies);
  const validate = bodies.compile({ ...schema, components: document.components });
  if (!validate(JSON.parse(request.body))) problems.push(`${name}: the body fails its schema: ${bodies.errorsText(validate.errors)}`);
  return problems;
}

function expectRequestsDocumented(document: Document, requests: readonly SentRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.flatMap((request) => requestProblems(document, request))).toEqual([]);
}

async function documentOf(app: NestFastifyApplication): Promise<Document> {
  const answer = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(answer.statusCode).toBe(200);
  return answer.json();
}

describe('OpenAPI document', () => {
  let server: ScimTestServer;
  let document: Document;
  const silent = pino({ level: 'silent' });

  beforeAll(async () => {
    server = await ScimTestServer.start(storageTargets()[0], [PROVIDER], undefined, withAdminToken());
    document = (await (await fetch(`${server.origin}/openapi.json`)).json()) as Document;
  }, 60_000);
  afterAll(() => server?.close());

  it('is served at /openapi.json and is valid OpenAPI 3.1 (openapi-spec-validator)', async () => {
    expect(document.openapi).toBe('3.1.0');
    const file = join(temporaryDirectory('openapi-'), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const { stdout } = await validateOpenApi(file);
    expect(stdout).toContain('OK');
  }, 150_000); // the first run installs the validator

  it('the validator refuses a broken document (the check can fail)', async () => {
    const file = join(temporaryDirectory('openapi-'), 'openapi.json');
    writeFileSync(file, JSON.stringify({ ...document, paths: { ...document.paths, '/x': { search: { responses: {} } } }, info: {} }));
    await expect(validateOpenApi(file)).rejects.toThrow();
  });

  describe.each([
    ['SCIM and admin on one listener', (c: AppConfig) => createScimApp(c, silent, server.stores), true],
    ['SCIM alone (ADMIN_PORT set)', (c: AppConfig) => createScimApp({ ...c, admin: { ...c.admin, port: 0 } }, silent, server.stores), false],
    ['the admin listener (ADMIN_PORT set)', (c: AppConfig) => createAdminApp({ ...c, admin: { ...c.admin, port: 0 } }, silent, server.stores, undefined, 'http://127.0.0.1:1'), true],
  ])('%s', (_, build, servesConsole) => {
    it('documents exactly the routes Fastify registers, with the same methods and paths, but for the console\'s HTML pages', async () => {
      const app = await build(loadConfig({}));
      try {
        const served = await documentOf(app);
        const registered = registeredRoutes(app);
        expect(registered.size).toBeGreaterThan(3);
        // The admin console: pages under /admin outside the API's /admin/v1, for a browser with a session cookie.
        const isConsolePage = (route: string) => /^\/admin(\/|$)/.test(route.split(' ')[1]) && !route.split(' ')[1].startsWith('/admin/v1/');
        const consolePages = [...registered].filter(isConsolePage);
        expect(consolePages.includes('GET /admin/login')).toBe(servesConsole);
        expect([...documentedRoutes(served)].sort()).toEqual([...registered].filter((route) => !isConsolePage(route)).sort());
      } finally {
        await app.close();
      }
    });
  });

  it('keeps SCIM routes out of the admin listener and admin routes out of the SCIM-only one', async () => {
    const config = loadConfig({});
    const split = { ...config, admin: { ...config.admin, port: 0 } };
    const scim = await createScimApp(split, silent, server.stores);
    const admin = await createAdminApp(split, silent, server.stores, undefined, 'http://127.0.0.1:1');
    try {
      const paths = async (app: NestFastifyApplication) => Object.keys((await documentOf(app)).paths);
      expect((await paths(scim)).filter((p) => p.startsWith('/admin/'))).toEqual([]);
      expect((await paths(admin)).filter((p) => p.startsWith('/scim/'))).toEqual([]);
      expect(await paths(admin)).toContain('/metrics');
    } finally {
      await admin.close();
      await scim.close();
    }
  });

  it('describes SCIM errors, content types and the bearer schemes on every route of each surface', () => {
    for (const [path, item] of Object.entries<Record<string, Document>>(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const statuses = Object.keys(operation.responses);
        if (path.startsWith('/scim/')) {
          expect(operation.security).toEqual([{ scimBearer: [] }]);
          for (const status of ['401', '403', '429', '503']) expect(operation.responses[status].content[SCIM_MEDIA].schema).toEqual({ $ref: '#/components/schemas/ScimError' });
          expect(operation.responses['429'].headers).toHaveProperty('Retry-After');
          expect(Object.values<Document>(operation.responses).every((r) => !r.content || Object.keys(r.content).join() === SCIM_MEDIA)).toBe(true);
        } else if (path.startsWith('/admin/')) {
          expect(operation.security).toEqual([{ adminBearer: [] }]);
          expect(operation.responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AdminError' });
        } else {
          expect(operation.security).toBeUndefined();
        }
        expect({ path, method, documented: statuses.length > 0 }).toEqual({ path, method, documented: true });
      }
    }
    expect(document.paths[`${USERS}/{userId}`].put.responses).toHaveProperty('412');
    expect(document.paths[USERS].post.responses).toHaveProperty('409');
    expect(document.paths[USERS].post.responses).toHaveProperty('413');
    expect(document.components.schemas.ScimUser.properties.userName).toEqual({ type: 'string' });
  });

  it('matches real answers (a 201 POST, a ListResponse, 400, 404 and 409 errors, admin lists, tokens and an admin error), and the requests are documented', async () => {
    const sent = await requestsSentBy(async () => {
      const scim = new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);
      const admin = new AdminClient(server.adminOrigin);
      const body = entraCreateUser(`ada.${randomUUID()}@example.com`, randomUUID());

      const created = await scim.post('/Users', body);
      expect(created.status).toBe(201);
      expectDocumented(document, USERS, 'post', created);
      const listed = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`);
      expect(listed.body.totalResults).toBe(1);
      expectDocumented(document, USERS, 'get', listed);
      const read = await scim.get(`/Users/${created.body.id}`);
      expectDocumented(document, `${USERS}/{userId}`, 'get', read);

      const badFilter = await scim.get('/Users?filter=userName%20eq');
      expect(badFilter).toMatchObject({ status: 400, body: { scimType: 'invalidFilter' } });
      expectDocumented(document, USERS, 'get', badFilter);
      const missing = await scim.get(`/Users/${randomUUID()}`);
      expect(missing.status).toBe(404);
      expectDocumented(document, `${USERS}/{userId}`, 'get', missing);
      const taken = await scim.post('/Users', body);
      expect(taken).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
      expectDocumented(document, USERS, 'post', taken);

      const providers = await admin.get('/identity-providers');
      expect(providers.status).toBe(200);
      expectDocumented(document, '/admin/v1/identity-providers', 'get', providers, 'application/json');
      const provider = await admin.get(`/identity-providers/${PROVIDER.providerId}`);
      expectDocumented(document, '/admin/v1/identity-providers/{providerId}', 'get', provider, 'application/json');
      const issued = await admin.post(`/identity-providers/${PROVIDER.providerId}/tokens`, { label: 'openapi', scopes: 'users:read' });
      expect(issued.status).toBe(201);
      expectDocumented(document, '/admin/v1/identity-providers/{providerId}/tokens', 'post', issued, 'application/json');
      const rotated = await admin.post(`/identity-providers/${PROVIDER.providerId}/tokens/${issued.body.tokenId}/rotate`, {});
      expect(rotated.status).toBe(201);
      expectDocumented(document, '/admin/v1/identity-providers/{providerId}/tokens/{tokenId}/rotate', 'post', rotated, 'application/json');
      const adminTokens = await admin.get('/admin-tokens');
      expectDocumented(document, '/admin/v1/admin-tokens', 'get', adminTokens, 'application/json');
      for (const probe of ['/health/live', '/health/ready', '/openapi.json']) expectDocumented(document, probe, 'get', await scimRequest('GET', `${server.origin}${probe}`), 'application/json');
      const metrics = await fetch(`${server.origin}/metrics`);
      expectDocumented(document, '/metrics', 'get', { status: metrics.status, headers: metrics.headers, body: await metrics.text() }, 'text/plain');
      const found = await admin.get(`/identity-providers/${PROVIDER.providerId}/users?userName=${encodeURIComponent(body.userName as string)}`);
      expect(found.body.users).toHaveLength(1);
      expectDocumented(document, '/admin/v1/identity-providers/{providerId}/users', 'get', found, 'application/json');
      const cleared = await admin.post(`/identity-providers/${PROVIDER.providerId}/users/${created.body.id}/clear`, { paths: ['title'] });
      expect(cleared.status).toBe(200);
      expectDocumented(document, '/admin/v1/identity-providers/{providerId}/users/{userId}/clear', 'post', cleared, 'application/json');
      const unknown = await admin.get('/identity-providers/no-such-idp');
      expect(unknown.status).toBe(404);
      expectDocumented(document, '/admin/v1/identity-providers/{providerId}', 'get', unknown, 'application/json');
    });
    expectRequestsDocumented(document, sent);
  });

  it('a schema check that can fail: a user without userName or a list without Resources is refused', () => {
    expect(responseValidator(document, USERS, 'post', 201, SCIM_MEDIA)({ schemas: [], id: 'x' })).toBe(false);
    expect(responseValidator(document, USERS, 'get', 200, SCIM_MEDIA)({ schemas: [], totalResults: 0, startIndex: 1, itemsPerPage: 0 })).toBe(false);
    expect(responseValidator(document, USERS, 'get', 400, SCIM_MEDIA)({ detail: 'x' })).toBe(false);
  });

  it('documents the query parameters and bodies real requests send: SCIM list, search and read, admin search, history, as-of, journal and export', async () => {
    const scim = new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);
    const admin = new AdminClient(server.adminOrigin);
    const body = entraCreateUser(`grace.${randomUUID()}@example.com`, randomUUID());
    const since = new Date(Date.now() - 60_000).toISOString();
    const sent = await requestsSentBy(async () => {
      const created = await scim.post('/Users', body);
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const filter = encodeURIComponent(`userName eq "${body.userName}"`);
      const answers = [
        await scim.get(`/Users?filter=${filter}&startIndex=1&count=10&attributes=userName,emails&sortBy=userName&sortOrder=descending`),
        await scim.get(`/Users?filter=${filter}&excludedAttributes=phoneNumbers`),
        await scim.get(`/Users/${id}?attributes=userName`),
        await scim.get(`/Users/${id}?excludedAttributes=emails`),
        await scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `userName eq "${body.userName}"`, count: 1 }),
        await scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Rear Admiral' }] }),
        await admin.get(`/identity-providers/${PROVIDER.providerId}/users?externalId=${encodeURIComponent(body.externalId as string)}`),
        await admin.get(`/identity-providers/${PROVIDER.providerId}/users/${id}/history?from=${since}&to=${new Date(Date.now() + 60_000).toISOString()}`),
        await admin.get(`/identity-providers/${PROVIDER.providerId}/users/${id}/as-of?at=${new Date().toISOString()}`),
        await admin.get(`/identity-providers/${PROVIDER.providerId}/users/${id}/as-of?at=1`),
        await admin.get(`/journal?userName=${encodeURIComponent(body.userName as string)}&providerId=${PROVIDER.providerId}&from=${since}&status=2xx&limit=10`),
        await admin.get(`/journal?email=${encodeURIComponent(body.userName as string)}&externalId=x&userId=${id}&to=${new Date().toISOString()}&status=404`),
        await admin.get(`/audit/export?providerId=${PROVIDER.providerId}&userId=${id}`),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 404, 200, 200, 200]);
      expect(answers[0].body.Resources[0]).not.toHaveProperty('name');
      const page = await admin.get(`/journal?providerId=${PROVIDER.providerId}&limit=1`);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      expect((await admin.get(`/journal?providerId=${PROVIDER.providerId}&limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`)).status).toBe(200);
    });
    expectRequestsDocumented(document, sent);
    expect(new Set(sent.flatMap((request) => [...request.url.searchParams.keys()]))).toEqual(
      new Set(['filter', 'startIndex', 'count', 'attributes', 'excludedAttributes', 'sortBy', 'sortOrder', 'externalId', 'from', 'to', 'at', 'userName', 'email', 'userId', 'providerId', 'status', 'limit', 'cursor']),
    );
  });

  it('a request check that can fail: an undocumented key, a missing required one, a value or body outside its schema', async () => {
    const admin = new AdminClient(server.adminOrigin);
    const scim = new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);
    const asOf = `/identity-providers/${PROVIDER.providerId}/users/${randomUUID()}/as-of`;
    const sent = await requestsSentBy(async () => {
      expect((await scim.get('/Users?fitler=x')).status).toBe(200); // SCIM ignores an unknown key; the document must not invite it
      expect((await admin.get(asOf)).status).toBe(400); // the route refuses a request without ?at=
      expect((await admin.get('/journal?limit=0')).status).toBe(400);
    });
    const problems = sent.map((request) => requestProblems(document, request));
    expect(problems).toEqual([
      [expect.stringContaining('?fitler= is not a documented parameter of GET /scim/v2/enterprise-idps/{providerId}/Users')],
      [expect.stringContaining('the required ?at= is missing')],
      [expect.stringContaining('?limit=0 fails its schema')],
    ]);
    const rebuild = (body: string): SentRequest => ({ method: 'POST', url: new URL(`${server.adminOrigin}/admin/v1/audit/rebuilds`), contentType: 'application/json', body });
    // Not sent: a rebuild replays the whole shared log (audit.*.e2e-spec.ts start real ones).
    expect(requestProblems(document, rebuild('{"verify":true,"promote":false}'))).toEqual([]);
    expect(requestProblems(document, rebuild('{"verify":"yes"}'))).toEqual([expect.stringContaining('the body fails its schema')]);
    expect(requestProblems(document, rebuild('{"verify":true,"promte":true}'))).toEqual([expect.stringContaining('must NOT have additional properties')]);
    expect(requestProblems(document, { method: 'POST', url: new URL(`${server.adminOrigin}/admin/v1/identity-providers/${PROVIDER.providerId}/retire`), contentType: 'application/json', body: '{}' })).toEqual([
      expect.stringContaining('documents no application/json body'),
    ]);
  });
});
