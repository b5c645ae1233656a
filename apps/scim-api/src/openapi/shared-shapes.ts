import { userJsonSchema } from '@app/scim/schema/json-schema';
import { UserSchema } from '@app/scim/schema/user-schema';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, PathItemObject, ReferenceObject, RequestBodyObject, ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ADMIN_SCHEMAS } from './admin-shapes';
import { OPERATION_METHODS, SCIM_SCHEMAS, scimRef } from './scim-shapes';

/** RFC 7644 §8.1's media type (the service adds charset=utf-8 to the header). */
const SCIM_CONTENT_TYPE = 'application/scim+json';
const ADMIN_ERROR = '#/components/schemas/AdminError';

/** What each status means on the SCIM routes (RFC 7644 §3.12); which operations answer it is decided in {@link scimErrorStatuses}. */
const SCIM_ERRORS: Record<number, string> = {
  400: 'Invalid request (scimType says why: invalidSyntax, invalidFilter, invalidPath, invalidValue, mutability, noTarget, tooMany, invalidVers)',
  401: 'Missing or unknown bearer token (WWW-Authenticate names the realm)',
  403: 'The token lacks the scope, or SCIM is turned off for this IdP',
  404: 'No such IdP, user or resource type',
  405: 'The endpoint does not take this method',
  409: 'userName or externalId already taken (scimType uniqueness)',
  412: 'If-Match does not name the current version',
  413: 'The body is over the size limit',
  429: 'Over the rate limit for this token or IdP; retry after Retry-After seconds',
  503: 'A store is down or slow; retry after Retry-After seconds',
};

const ADMIN_ERRORS: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing or unknown admin token',
  404: 'No such IdP, user, token or request',
  409: 'Conflicts with the current state (e.g. a rebuild already running)',
  413: 'The body is over the size limit',
  429: 'Too many at once (e.g. exports); retry later',
};

/**
 * Completes the document Nest builds from the controllers with what every route of a surface
 * shares, so no controller repeats it: SCIM's media type, error shape and statuses and bearer
 * token; the admin plane's `{status, error, message}` errors and admin token; a declared
 * parameter for every path template; and only the methods OpenAPI 3.1 has (an `@All` route).
 */
export function describeSharedShapes(document: OpenAPIObject): OpenAPIObject {
  const paths = Object.fromEntries(Object.entries(document.paths).map(([path, item]) => [path, describePath(path, item)]));
  return {
    ...document,
    paths,
    components: {
      ...document.components,
      // JSON Schema 2020-12 keywords (const, examples) that @nestjs/swagger's OpenAPI 3.0 types lack.
      schemas: { ...closed(document.components?.schemas), ...SCIM_SCHEMAS, ScimUser: userJsonSchema(UserSchema.withCustomAttributes()), AdminError: ADMIN_ERROR_SCHEMA, ...ADMIN_SCHEMAS } as Record<string, SchemaObject>,
      securitySchemes: {
        scimBearer: { type: 'http', scheme: 'bearer', description: "The IdP's secret token (Entra's \"Secret Token\")" },
        adminBearer: { type: 'http', scheme: 'bearer', description: 'An admin token (ADMIN_TOKEN or one issued at /admin/v1/admin-tokens)' },
      },
    },
  };
}

/** Nest's own schemas are the admin bodies' DTOs, and adminBody refuses a member its DTO does not list. */
function closed(schemas: Record<string, SchemaObject | ReferenceObject> = {}): Record<string, SchemaObject | ReferenceObject> {
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, { ...schema, additionalProperties: false }]));
}

const ADMIN_ERROR_SCHEMA = {
  type: 'object',
  required: ['status', 'error', 'message'],
  properties: { status: { type: 'integer' }, error: { type: 'string', description: 'A code word to branch on' }, message: { type: 'string' } },
};

function describePath(path: string, item: PathItemObject): PathItemObject {
  const described: Record<string, OperationObject> = {};
  // Nest lists an @All route under every method it knows, 'search' included, which OpenAPI has not; Fastify also routes TRACE there.
  const methods = 'search' in item ? OPERATION_METHODS : OPERATION_METHODS.filter((m) => m in item);
  for (const method of methods) {
    const listed = (item as Record<string, OperationObject>)[method];
    const operation = listed ?? { ...item.get!, operationId: `${item.get!.operationId}_${method}` };
    described[method] = describeOperation(path, method, { ...operation, parameters: withPathParameters(path, operation.parameters as ParameterObject[] | undefined) });
  }
  return described;
}

function describeOperation(path: string, method: string, given: OperationObject): OperationObject {
  const operation = { ...given, responses: withoutPlaceholder(given.responses as Record<string, ResponseObject>) };
  if (path.startsWith('/scim/')) return scimOperation(path, method, operation);
  if (path.startsWith('/admin/')) return adminOperation(method, operation);
  return operation;
}

/**
 * Nest adds a success answer (empty description, no content) to every operation. An operation that
 * declares only refusals (the 405s, the Groups 404) never succeeds, so it goes; elsewhere it says so.
 */
export function withoutPlaceholder(responses: Record<string, ResponseObject>): Record<string, ResponseObject> {
  const isPlaceholder = (r: ResponseObject) => r.description === '' && !r.content;
  const declared = Object.entries(responses).filter(([, r]) => !isPlaceholder(r));
  const refusesOnly = declared.length > 0 && declared.every(([status]) => Number(status) >= 400);
  if (refusesOnly) return Object.fromEntries(declared);
  return Object.fromEntries(Object.entries(responses).map(([status, r]) => [status, isPlaceholder(r) ? { ...r, description: 'Success' } : r]));
}

function scimOperation(path: string, method: string, operation: OperationObject): OperationObject {
  const declared = operation.responses as Record<string, ResponseObject>;
  const errors = Object.fromEntries(scimErrorStatuses(path, method, declared).map((status) => [status, scimErrorResponse(status)]));
  return {
    ...operation,
    parameters: [...(operation.parameters ?? []), ...scimQueryParameters(path, method)],
    security: [{ scimBearer: [] }],
    ...(operation.requestBody ? { requestBody: asScimJson(operation.requestBody as RequestBodyObject, [SCIM_CONTENT_TYPE, 'application/json']) } : {}),
    responses: { ...Object.fromEntries(Object.entries(declared).map(([status, response]) => [status, asScimJson(response)])), ...errors },
  };
}

/** RFC 7644 §3.4.2.5, read by GETs of users (a write answers the whole user): comma-separated names or paths, repeated keys joined. */
const ATTRIBUTE_SELECTION: ParameterObject[] = [
  { name: 'attributes', in: 'query', required: false, description: 'Show only these attributes (id and schemas always), e.g. userName,emails', schema: { type: 'string' } },
  { name: 'excludedAttributes', in: 'query', required: false, description: 'Leave these attributes out, e.g. groups,phoneNumbers', schema: { type: 'string' } },
];

/** RFC 7644 §3.4.2, as the list handler reads them (names case-insensitive, as SCIM's are). */
const LIST_PARAMETERS: ParameterObject[] = [
  { name: 'filter', in: 'query', required: false, description: 'RFC 7644 §3.4.2.2, e.g. userName eq "ada@example.com"', schema: { type: 'string' } },
  { name: 'startIndex', in: 'query', required: false, description: '1-based index of the first result; below 1 means 1', schema: { type: 'integer', default: 1 } },
  { name: 'count', in: 'query', required: false, description: 'At most this many results: negative means 0, more than ServiceProviderConfig filter.maxResults means that many', schema: { type: 'integer' } },
  { name: 'sortBy', in: 'query', required: false, description: 'An attribute path, e.g. userName; unsorted lists are in id order', schema: { type: 'string' } },
  { name: 'sortOrder', in: 'query', required: false, description: 'Any case', schema: { type: 'string', enum: ['ascending', 'descending'], default: 'ascending' } },
  ...ATTRIBUTE_SELECTION,
];

/** The query parameters of the SCIM operations that read any: declared here by path so the users controller stays about HTTP handling. */
export function scimQueryParameters(path: string, method: string): ParameterObject[] {
  if (method !== 'get') return [];
  if (/\/Users$/.test(path)) return LIST_PARAMETERS;
  if (/\/Users\/\{[^}]+\}$/.test(path)) return ATTRIBUTE_SELECTION;
  return [];
}

/**
 * The statuses an operation answers besides the ones its controller declares: every SCIM request
 * can be refused (401, 403, 429, 503) or name an unknown IdP (404) or bad parameters (400); one with
 * a body can be too large (413) or collide (409); one on a user's version can fail If-Match (412).
 */
export function scimErrorStatuses(path: string, method: string, declared: Record<string, unknown>): number[] {
  const statuses = [400, 401, 403, 404, 429, 503];
  const writes = ['post', 'put', 'patch'].includes(method);
  const onUser = /\/Users\/\{[^}]+\}$/.test(path);
  if (writes) statuses.push(413);
  if (writes && /\/Users(\/\{[^}]+\})?$/.test(path)) statuses.push(409);
  if (onUser && ['put', 'patch', 'delete'].includes(method)) statuses.push(412);
  return statuses.filter((s) => !(s in declared)).sort((a, b) => a - b);
}

function scimErrorResponse(status: number): ResponseObject {
  const retry = status === 429 || status === 503;
  return {
    description: SCIM_ERRORS[status],
    ...(retry ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } } : {}),
    content: { [SCIM_CONTENT_TYPE]: { schema: scimRef('ScimError') } },
  };
}

/** SCIM answers application/scim+json (RFC 7644 §3.1); it takes that or application/json. */
function asScimJson<T extends { content?: Record<string, unknown> }>(part: T, accepted: readonly string[] = [SCIM_CONTENT_TYPE]): T {
  const media = part.content && Object.values(part.content)[0];
  if (!media) return part;
  return { ...part, content: Object.fromEntries(accepted.map((type) => [type, media])) };
}

function adminOperation(method: string, operation: OperationObject): OperationObject {
  const declared = operation.responses as Record<string, ResponseObject>;
  const statuses = [400, 401, 404, ...(method === 'get' ? [] : [409, 413]), 429].filter((s) => !(s in declared));
  const errors = Object.fromEntries(statuses.map((s) => [s, { description: ADMIN_ERRORS[s], content: { 'application/json': { schema: { $ref: ADMIN_ERROR } } } }]));
  return { ...operation, security: [{ adminBearer: [] }], responses: { ...declared, ...errors } };
}

/** OpenAPI requires a parameter for every `{name}` in a path; Nest declares only those a handler reads with @Param. */
export function withPathParameters(path: string, parameters: ParameterObject[] = []): ParameterObject[] {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const missing = names.filter((name) => !parameters.some((p) => p.in === 'path' && p.name === name));
  return [...missing.map((name) => ({ name, in: 'path' as const, required: true, schema: { type: 'string' as const } })), ...parameters];
}
