import { ApiResponse } from '@nestjs/swagger';

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

/** An admin answer (application/json). */
export const AdminAnswer = (status: number, description: string, schema: object) => ApiResponse({ status, description, content: { 'application/json': { schema } } });

/** `{ <member>: [<item>] }`, the admin lists' shape. */
export const adminListOf = (member: string, item: string) => ({ type: 'object', required: [member], properties: { [member]: { type: 'array', items: adminRef(item) } } });
