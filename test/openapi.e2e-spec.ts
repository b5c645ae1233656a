import { temporaryDirectories } from '@app/testing/temporary-directories';
import { AdminClient, withAdminToken } from '@app/testing/admin-client';
import { entraCreateUser } from '@app/testing/entra-payloads';
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

  it('matches real answers: a 201 POST, a ListResponse, 400, 404 and 409 errors, admin lists, tokens and an admin error', async () => {
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

  it('a schema check that can fail: a user without userName or a list without Resources is refused', () => {
    expect(responseValidator(document, USERS, 'post', 201, SCIM_MEDIA)({ schemas: [], id: 'x' })).toBe(false);
    expect(responseValidator(document, USERS, 'get', 200, SCIM_MEDIA)({ schemas: [], totalResults: 0, startIndex: 1, itemsPerPage: 0 })).toBe(false);
    expect(responseValidator(document, USERS, 'get', 400, SCIM_MEDIA)({ detail: 'x' })).toBe(false);
  });
});
