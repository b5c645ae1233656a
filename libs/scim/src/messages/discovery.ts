import { AttributeDefinition, SchemaDefinition } from '../schema/attribute-definition';
import { UserSchema } from '../schema/user-schema';

const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** RFC 7643 §5: exactly what this service supports. */
export function serviceProviderConfig(baseUrl: string, maxResults: number): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'A per-IdP secret token sent as "Authorization: Bearer <token>"',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

/** RFC 7643 §6: only User; Groups are not provisioned here. */
export function userResourceType(schema: UserSchema, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: schema.core.id,
    schemaExtensions: schema.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
  };
}

/** RFC 7643 §7 representation of one schema. */
export function schemaRepresentation(definition: SchemaDefinition, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: definition.id,
    name: definition.name,
    description: definition.description,
    attributes: definition.attributes.map(attributeRepresentation),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${definition.id}` },
  };
}

function attributeRepresentation(a: AttributeDefinition): Record<string, unknown> {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.canonicalValues?.length ? { canonicalValues: a.canonicalValues } : {}),
    ...(a.referenceTypes?.length ? { referenceTypes: a.referenceTypes } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(attributeRepresentation) } : {}),
  };
}
