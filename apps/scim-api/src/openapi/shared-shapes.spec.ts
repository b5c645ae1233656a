import type { OpenAPIObject } from '@nestjs/swagger';
import { describeSharedShapes, scimErrorStatuses, scimQueryParameters, withPathParameters } from './shared-shapes';

const json = (schema: object) => ({ 'application/json': { schema } });
const doc = (paths: OpenAPIObject['paths']): OpenAPIObject => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components: {} });
const USERS = '/scim/v2/enterprise-idps/{providerId}/Users';

describe('describeSharedShapes', () => {
  it('gives SCIM operations the SCIM media type, RFC 7644 errors (Retry-After on 429/503) and the IdP bearer scheme', () => {
    const out = describeSharedShapes(
      doc({ [USERS]: { post: { operationId: 'create', requestBody: { content: json({ $ref: '#/x' }) }, responses: { 201: { description: 'ok', content: json({ $ref: '#/x' }) } } } } }),
    );
    const post = out.paths[USERS].post!;
    expect(post.security).toEqual([{ scimBearer: [] }]);
    expect(Object.keys((post.requestBody as { content: object }).content)).toEqual(['application/scim+json', 'application/json']);
    expect(Object.keys(post.responses).sort()).toEqual(['201', '400', '401', '403', '404', '409', '413', '429', '503']);
    expect(post.responses[201]).toMatchObject({ content: { 'application/scim+json': { schema: { $ref: '#/x' } } } });
    expect(post.responses[429]).toMatchObject({ headers: { 'Retry-After': {} }, content: { 'application/scim+json': { schema: { $ref: '#/components/schemas/ScimError' } } } });
    expect(post.responses[401]).not.toHaveProperty('headers');
    expect(out.components!.schemas).toHaveProperty('ScimUser');
    expect(out.components!.securitySchemes).toHaveProperty('adminBearer');
  });

  it('keeps a status a controller declared (the 405 refusals) rather than the generic one', () => {
    const refusal = { description: '405 only', content: json({ $ref: '#/components/schemas/ScimError' }) };
    const out = describeSharedShapes(doc({ [USERS]: { put: { responses: { 200: { description: '' }, 405: refusal } } } }));
    expect(out.paths[USERS].put!.responses[405]).toMatchObject({ description: '405 only' });
    // Nest's placeholder success goes: the operation only ever refuses.
    expect(out.paths[USERS].put!.responses).not.toHaveProperty('200');
  });

  it('gives admin operations {status,error,message} errors and the admin scheme, and leaves health alone', () => {
    const out = describeSharedShapes(doc({ '/admin/v1/journal': { get: { responses: { 200: { description: 'ok' } } } }, '/health/live': { get: { responses: { 200: { description: 'ok' } } } } }));
    const get = out.paths['/admin/v1/journal'].get!;
    expect(get.security).toEqual([{ adminBearer: [] }]);
    expect(get.responses[401]).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/AdminError' } } } });
    expect(get.responses).not.toHaveProperty('409');
    expect(out.paths['/health/live'].get).toEqual({ responses: { 200: { description: 'ok' } }, parameters: [] });
    const placeholder = describeSharedShapes(doc({ '/metrics': { get: { responses: { 200: { description: '' } } } } }));
    expect(placeholder.paths['/metrics'].get!.responses).toEqual({ 200: { description: 'Success' } });
  });

  it("lists an @All route under OpenAPI's methods only: no 'search', and TRACE with an operationId of its own", () => {
    const op = (id: string) => ({ operationId: id, responses: { 404: { description: 'no' } } });
    const all = Object.fromEntries(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'search'].map((m) => [m, op(`groups_${m}`)]));
    const out = describeSharedShapes(doc({ '/scim/v2/enterprise-idps/{providerId}/Groups': all }));
    const item = out.paths['/scim/v2/enterprise-idps/{providerId}/Groups'] as Record<string, { operationId: string }>;
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'head', 'options', 'patch', 'post', 'put', 'trace']);
    expect(item.trace.operationId).toBe('groups_get_trace');
  });
});

describe('scimErrorStatuses', () => {
  it('adds 413 and 409 to writes, 412 to changes of one user, and nothing already declared', () => {
    expect(scimErrorStatuses(`${USERS}/{userId}`, 'patch', {})).toEqual([400, 401, 403, 404, 409, 412, 413, 429, 503]);
    expect(scimErrorStatuses(`${USERS}/{userId}`, 'delete', {})).toEqual([400, 401, 403, 404, 412, 429, 503]);
    expect(scimErrorStatuses('/scim/v2/enterprise-idps/{providerId}/.search', 'post', {})).toEqual([400, 401, 403, 404, 413, 429, 503]);
    expect(scimErrorStatuses(USERS, 'get', { 400: {} })).toEqual([401, 403, 404, 429, 503]);
  });
});

describe('withPathParameters', () => {
  it('declares every path template the handler did not read with @Param, keeping those it did', () => {
    const declared = { name: 'userId', in: 'path' as const, required: true, schema: { type: 'string' as const, maxLength: 9 } };
    expect(withPathParameters('/a/{providerId}/Users/{userId}', [declared])).toEqual([{ name: 'providerId', in: 'path', required: true, schema: { type: 'string' } }, declared]);
    expect(withPathParameters('/health/live')).toEqual([]);
  });
});

describe('scimQueryParameters', () => {
  it('gives the RFC 7644 §3.4.2 list parameters to GET /Users, attributes and excludedAttributes to GET /Users/{id}, and none to writes', () => {
    const names = (path: string, method: string) => scimQueryParameters(path, method).map((p) => p.name);
    expect(names(USERS, 'get')).toEqual(['filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes']);
    expect(names(`${USERS}/{userId}`, 'get')).toEqual(['attributes', 'excludedAttributes']);
    expect(names(USERS, 'post')).toEqual([]);
    expect(names(`${USERS}/{userId}`, 'patch')).toEqual([]);
    expect(names('/scim/v2/enterprise-idps/{providerId}/Schemas', 'get')).toEqual([]);
  });
});
