import { ERROR_SCHEMA } from '@app/scim/errors/scim-error';
import { LIST_RESPONSE_SCHEMA } from '@app/scim/messages/list-response';
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiResponse } from '@nestjs/swagger';

/** The operations a path item can hold in OpenAPI 3.1. */
export const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export const scimRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** RFC 7644 message shapes the SCIM routes share (the User resource comes from libs/scim's definitions). */
export const SCIM_SCHEMAS = {
  ScimError: {
    type: 'object',
    description: 'RFC 7644 §3.12',
    required: ['schemas', 'status', 'detail'],
    properties: {
      schemas: { type: 'array', items: { const: ERROR_SCHEMA } },
      status: { type: 'string', pattern: '^[1-5][0-9]{2}$' },
      scimType: { type: 'string', enum: ['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'] },
      detail: { type: 'string' },
    },
  },
  ScimListResponse: {
    type: 'object',
    description: 'RFC 7644 §3.4.2; Resources is [] when nothing matched',
    required: ['schemas', 'totalResults', 'startIndex', 'itemsPerPage', 'Resources'],
    properties: {
      schemas: { type: 'array', items: { const: LIST_RESPONSE_SCHEMA } },
      totalResults: { type: 'integer', minimum: 0 },
      startIndex: { type: 'integer', minimum: 1 },
      itemsPerPage: { type: 'integer', minimum: 0 },
      Resources: { type: 'array', items: { type: 'object' } },
    },
  },
  ScimPatchOp: {
    type: 'object',
    description: 'RFC 7644 §3.5.2',
    required: ['Operations'],
    properties: {
      schemas: { type: 'array', items: { type: 'string' } },
      Operations: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', required: ['op'], properties: { op: { type: 'string', examples: ['add', 'replace', 'remove'] }, path: { type: 'string' }, value: {} } },
      },
    },
  },
  ScimResourceType: {
    type: 'object',
    required: ['schemas', 'id', 'name', 'endpoint', 'schema'],
    properties: { schemas: { type: 'array', items: { type: 'string' } }, id: { type: 'string' }, name: { type: 'string' }, endpoint: { type: 'string' }, schema: { type: 'string' }, schemaExtensions: { type: 'array', items: { type: 'object', properties: { schema: { type: 'string' }, required: { type: 'boolean' } } } } },
  },
  ScimSchema: {
    type: 'object',
    required: ['schemas', 'id', 'attributes'],
    properties: { schemas: { type: 'array', items: { type: 'string' } }, id: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, attributes: { type: 'array', items: { type: 'object', required: ['name', 'type'] } } },
  },
  ScimSearchRequest: {
    type: 'object',
    description: 'RFC 7644 §3.4.3',
    properties: {
      schemas: { type: 'array', items: { type: 'string' } },
      filter: { type: 'string' },
      startIndex: { type: 'integer' },
      count: { type: 'integer' },
      sortBy: { type: 'string' },
      sortOrder: { type: 'string', enum: ['ascending', 'descending'] },
      attributes: { type: 'array', items: { type: 'string' } },
      excludedAttributes: { type: 'array', items: { type: 'string' } },
    },
  },
};

/** A list of `resource` (a component schema name). */
export const scimListOf = (resource: string) => ({ allOf: [scimRef('ScimListResponse'), { properties: { Resources: { type: 'array', items: scimRef(resource) } } }] });

const json = (schema: object) => ({ 'application/json': { schema } });

/** A SCIM answer: the media type becomes application/scim+json in shared-shapes.ts. */
export const ScimAnswer = (status: number, description: string, schema: object, headers: readonly string[] = []) =>
  ApiResponse({ status, description, content: json(schema), ...(headers.length ? { headers: Object.fromEntries(headers.map((h) => [h, { schema: { type: 'string' } }])) } : {}) });

/** A SCIM request body (application/scim+json or application/json). */
export const ScimBody = (schema: object) => ApiBody({ schema: schema as never });

/** An endpoint that only ever refuses (the 405s, the Groups refusal). */
export const ScimRefusal = (status: number, description: string) => applyDecorators(ApiResponse({ status, description, content: json(scimRef('ScimError')) }));
