import { ScimLimits } from './scim-limits';

/** The environment variable that sets each limit, so an error detail tells the operator what to change. */
export const LIMIT_VARIABLES: Readonly<Record<keyof ScimLimits, string>> = {
  maxStringLength: 'SCIM_MAX_STRING_LENGTH',
  maxIndexedStringLength: 'SCIM_MAX_INDEXED_STRING_LENGTH',
  maxResourceBytes: 'SCIM_MAX_RESOURCE_BYTES',
  maxMultiValuedElements: 'SCIM_MAX_MULTI_VALUED_ELEMENTS',
  maxPatchOperations: 'SCIM_MAX_PATCH_OPERATIONS',
  maxFilterLength: 'SCIM_MAX_FILTER_LENGTH',
  maxFilterNodes: 'SCIM_MAX_FILTER_NODES',
  maxFilterDepth: 'SCIM_MAX_FILTER_DEPTH',
  maxJsonDepth: 'SCIM_MAX_JSON_DEPTH',
  maxResponseBytes: 'SCIM_MAX_RESPONSE_BYTES',
};

const UNITS: Readonly<Record<keyof ScimLimits, string>> = {
  maxStringLength: 'character',
  maxIndexedStringLength: 'character',
  maxResourceBytes: 'byte',
  maxMultiValuedElements: 'element',
  maxPatchOperations: 'operation',
  maxFilterLength: 'character',
  maxFilterNodes: 'node',
  maxFilterDepth: 'level',
  maxJsonDepth: 'level',
  maxResponseBytes: 'byte',
};

/** "the 512-character limit (SCIM_MAX_INDEXED_STRING_LENGTH)": the end of every limit violation's detail. */
export function describeLimit<K extends keyof ScimLimits>(limits: Pick<ScimLimits, K>, name: K): string {
  return `the ${limits[name]}-${UNITS[name]} limit (${LIMIT_VARIABLES[name]})`;
}
