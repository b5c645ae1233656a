export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** RFC 7644 §3.4.2: always a ListResponse, with `Resources: []` when nothing matched (Entra quarantines on 404). */
export function listResponse(resources: readonly unknown[], totalResults: number, startIndex: number): Record<string, unknown> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
