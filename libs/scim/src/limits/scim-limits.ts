/**
 * What one SCIM request may carry. Sized for Entra ID, whose payloads are small; every value is
 * configurable (SCIM_MAX_* variables) and every violation is a 400 that names the limit.
 */
export interface ScimLimits {
  /** Characters in any string value. */
  readonly maxStringLength: number;
  /** Characters in an indexed value (userName, externalId, emails.value): far below PostgreSQL's btree row limit. */
  readonly maxIndexedStringLength: number;
  /** Bytes of the resource a write would produce, serialised as JSON. */
  readonly maxResourceBytes: number;
  /** Elements in one multi-valued attribute (emails, phoneNumbers, …). */
  readonly maxMultiValuedElements: number;
  /** Operations in one PatchOp request. */
  readonly maxPatchOperations: number;
  /** Characters in a filter expression. */
  readonly maxFilterLength: number;
  /** Nodes (comparisons and logical operators) in one filter. */
  readonly maxFilterNodes: number;
  /** Nesting depth of a filter (parentheses, not, value paths). */
  readonly maxFilterDepth: number;
  /** Nesting depth of a JSON request body. */
  readonly maxJsonDepth: number;
  /** Bytes of one list response; a page stops early (itemsPerPage says how many it holds). */
  readonly maxResponseBytes: number;
}

/** 4 bytes per character at most in UTF-8; 600 of them plus the provider id stay under the 2,704-byte btree limit. */
export const INDEXED_STRING_LENGTH_CEILING = 600;

export const DEFAULT_SCIM_LIMITS: ScimLimits = {
  maxStringLength: 2048,
  maxIndexedStringLength: 512,
  maxResourceBytes: 65_536,
  maxMultiValuedElements: 100,
  maxPatchOperations: 100,
  maxFilterLength: 1024,
  maxFilterNodes: 50,
  maxFilterDepth: 10,
  maxJsonDepth: 32,
  maxResponseBytes: 2_097_152,
};
