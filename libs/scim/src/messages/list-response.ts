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

/**
 * A ListResponse of the leading resources that fit in `maxBytes` serialised as UTF-8 JSON, and never
 * fewer than one: a page stops early when its resources are large, `itemsPerPage` saying how many it
 * holds (`totalResults` unchanged), so the client asks for the rest from the next index. Resources
 * are taken from the iterable one at a time, so those left out are never rendered.
 */
export function listResponseWithin(
  resources: Iterable<unknown>,
  totalResults: number,
  startIndex: number,
  maxBytes: number,
): Record<string, unknown> {
  const kept: unknown[] = [];
  // The empty page says itemsPerPage 0: one digit, which n resources write in String(n).length.
  const envelope = jsonBytes(listResponse([], totalResults, startIndex)) - 1;
  let resourceBytes = 0;
  for (const resource of resources) {
    const count = kept.length + 1;
    // Resources are separated by commas: count - 1 of them.
    const next = resourceBytes + jsonBytes(resource) + (count > 1 ? 1 : 0);
    if (count > 1 && envelope + String(count).length + next > maxBytes) break;
    kept.push(resource);
    resourceBytes = next;
  }
  return listResponse(kept, totalResults, startIndex);
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
