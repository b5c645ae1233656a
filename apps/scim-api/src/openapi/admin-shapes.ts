import { applyDecorators } from '@nestjs/common';
import { ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

export const adminRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const PROVIDER_SUMMARY = {
  providerId: { type: 'string' },
  displayName: { type: 'string' },
  scimEnabled: { type: 'boolean' },
  retired: { type: 'boolean' },
  rebaselineMatchingPosts: { type: 'boolean' },
  registeredAt: { type: 'string', format: 'date-time' },
  tenantUrl: { type: 'string', description: "The Tenant URL to enter in Entra's provisioning settings" },
};

const SCIM_TOKEN = {
  type: 'object',
  required: ['tokenId', 'scopes', 'issuedAt', 'revoked'],
  properties: {
    tokenId: { type: 'string' },
    label: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    issuedAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    revoked: { type: 'boolean' },
    replacedBy: { type: 'string' },
  },
};

const CUSTOM_ATTRIBUTE = {
  type: 'object',
  required: ['name', 'type', 'retired', 'registeredAt'],
  properties: { name: { type: 'string' }, type: { type: 'string' }, retired: { type: 'boolean' }, registeredAt: { type: 'string', format: 'date-time' } },
  additionalProperties: false,
};

/** The secret, shown once, beside what lists show of the token (so those shapes stay open: allOf adds `token`). */
const withSecret = (token: string) => ({ allOf: [adminRef(token), { type: 'object', required: ['token'], properties: { token: { type: 'string', description: 'The secret: shown only in this answer' } } }] });

/** The admin API's own JSON shapes (ProviderSummary/ProviderDetails of the read model, with the Tenant URL). */
export const ADMIN_SCHEMAS = {
  AdministeredUser: {
    type: 'object',
    required: ['id', 'userName', 'active', 'awaitingReprovision', 'version', 'resource'],
    properties: {
      id: { type: 'string' },
      userName: { type: 'string' },
      externalId: { type: 'string' },
      active: { type: 'boolean' },
      awaitingReprovision: { type: 'boolean', description: 'Hidden from its IdP until its next POST' },
      version: { type: 'integer' },
      resource: { ...adminRef('ScimUser'), description: 'The SCIM JSON a GET by its IdP renders' },
    },
    additionalProperties: false,
  },
  ScimToken: SCIM_TOKEN,
  IssuedScimToken: withSecret('ScimToken'),
  CustomAttribute: CUSTOM_ATTRIBUTE,
  AdminToken: {
    type: 'object',
    required: ['tokenId', 'label', 'issuedAt', 'revoked'],
    properties: { tokenId: { type: 'string' }, label: { type: 'string' }, issuedAt: { type: 'string', format: 'date-time' }, revoked: { type: 'boolean' } },
  },
  IssuedAdminToken: withSecret('AdminToken'),
  JournalEntry: {
    type: 'object',
    required: ['requestId', 'at', 'method', 'path', 'status', 'identifiers', 'bodyTruncated'],
    properties: {
      requestId: { type: 'string', description: 'The X-Request-Id of the answer' },
      at: { type: 'string', format: 'date-time' },
      providerId: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'As the URL named it, known or not' },
      tokenId: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      clientAddress: { type: 'string' },
      method: { type: 'string' },
      path: { type: 'string', description: 'Path and query, capped' },
      status: { type: 'integer' },
      scimType: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      detail: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      durationMs: { type: 'integer' },
      identifiers: { type: 'object', description: 'userIds, userNames, emails, externalIds the request carried' },
      body: { description: 'The request body without passwords: JSON when kept whole, else the text kept (bodyTruncated)' },
      bodyTruncated: { type: 'boolean' },
    },
  },
  JournalPage: {
    type: 'object',
    required: ['entries'],
    properties: { entries: { type: 'array', items: adminRef('JournalEntry') }, nextCursor: { type: 'string', description: 'Where the next page starts, when there is one' } },
  },
  RebuildJob: {
    type: 'object',
    required: ['id', 'state', 'verify', 'promote', 'requestedBy', 'startedAt'],
    properties: {
      id: { type: 'string' },
      state: { type: 'string', enum: ['running', 'done', 'failed'] },
      verify: { type: 'boolean' },
      promote: { type: 'boolean' },
      requestedBy: { type: 'object', properties: { tokenId: { type: 'string' }, label: { type: 'string' } } },
      startedAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: 'string', format: 'date-time' },
      progress: { type: 'object', description: 'Events replayed, the log head at the start, percent' },
      report: { type: 'object', description: 'When done: the position compared at, the differences (table, key, kind, columns; never values)' },
      error: { type: 'string', description: 'When failed: the error class and code' },
    },
  },
  UserHistory: {
    type: 'object',
    required: ['events'],
    properties: {
      events: {
        type: 'array',
        items: {
          type: 'object',
          required: ['revision', 'position', 'type', 'occurredAt', 'actor', 'change'],
          properties: {
            revision: { type: 'integer' },
            position: { type: 'integer' },
            type: { type: 'string' },
            occurredAt: { type: 'string', format: 'date-time' },
            actor: { type: 'object', description: 'idp-token (providerId, tokenId), admin (tokenId, name) or system' },
            requestId: { type: 'string' },
            clientAddress: { type: 'string' },
            scimOperation: { type: 'object', description: 'The SCIM request as sent (method, path, body without passwords)' },
            droppedAttributes: { type: 'array', items: { type: 'string' } },
            change: { type: 'object', description: 'What the event changed' },
          },
        },
      },
    },
  },
  UserAsOf: {
    type: 'object',
    required: ['revision', 'position', 'occurredAt', 'awaitingReprovision', 'user'],
    properties: {
      revision: { type: 'integer' },
      position: { type: 'integer' },
      occurredAt: { type: 'string', format: 'date-time' },
      awaitingReprovision: { type: 'boolean' },
      user: { ...adminRef('ScimUser'), description: 'The SCIM JSON a GET would have answered then, folded from the log' },
    },
  },
  IdentityProviderSummary: {
    type: 'object',
    required: Object.keys(PROVIDER_SUMMARY),
    properties: PROVIDER_SUMMARY,
    additionalProperties: false,
  },
  IdentityProvider: {
    type: 'object',
    required: [...Object.keys(PROVIDER_SUMMARY), 'tokens', 'customAttributes'],
    properties: {
      ...PROVIDER_SUMMARY,
      tokens: { type: 'array', items: adminRef('ScimToken') },
      customAttributes: { type: 'array', items: adminRef('CustomAttribute') },
    },
    additionalProperties: false,
  },
};

/** One query parameter as its handler checks it; the handlers answer 400 to any key they do not list. */
interface QueryParameter {
  readonly description?: string;
  readonly schema: SchemaObject;
  readonly required?: boolean;
}

/** An admin route's query parameters, by name (optional unless `required`: ApiQuery's default is the other way). */
export const AdminQuery = (parameters: Record<string, QueryParameter>) =>
  applyDecorators(...Object.entries(parameters).map(([name, { required = false, ...parameter }]) => ApiQuery({ name, required, ...parameter })));

/** An ISO 8601 time with a zone, as parseInstant takes it. */
export const INSTANT: SchemaObject = { type: 'string', format: 'date-time', examples: ['2026-12-02T07:00:00Z'] };

/** An admin answer (application/json). */
export const AdminAnswer = (status: number, description: string, schema: object) => ApiResponse({ status, description, content: { 'application/json': { schema } } });

/** The export's answer: hash-chained NDJSON, streamed. */
export const ExportAnswer = () =>
  ApiResponse({
    status: 200,
    description: 'A header, one record per event in log order, a trailer; each record carries the previous hash and its own SHA-256 over RFC 8785 JSON',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  });

/** `{ <member>: [<item>] }`, the admin lists' shape. */
export const adminListOf = (member: string, item: string) => ({ type: 'object', required: [member], properties: { [member]: { type: 'array', items: adminRef(item) } } });
