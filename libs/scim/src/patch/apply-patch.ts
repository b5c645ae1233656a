import { ScimError } from '../errors/scim-error';
import { PatchPath } from '../filter/filter-ast';
import { DEFAULT_SCIM_LIMITS, ScimLimits } from '../limits/scim-limits';
import { parsePatchPath } from '../path/parse-patch-path';
import { UserAttributes } from '../resource/user-attributes';
import { UserSchema } from '../schema/user-schema';
import { AttributeDraft, EditContext } from './attribute-draft';
import { diffAttributes } from './attribute-change';
import { applyToAttribute } from './apply-to-attribute';
import { isEmptyInput, isPlainObject } from './json-value';
import { PatchKind, PatchOperation, PatchResult } from './patch-types';
import { checkPatchCost, checkPatchRequest, PatchWork } from './patch-work';
import { Target, resolveTarget } from './resolve-target';

export type { AttributeChange, PatchOperation, PatchResult } from './patch-types';
export { applyChanges } from './attribute-change';
export { evaluateFilter } from './evaluate-filter';

interface PatchContext extends EditContext {
  readonly schema: UserSchema;
  readonly limits: ScimLimits;
}

/** Members of a path-less value that the server owns (RFC 7643 §3.1); ignored, as on POST. */
const IGNORED_KEYS = new Set(['schemas', 'id', 'meta']);

/**
 * Applies a PatchOp's operations (RFC 7644 §3.5.2) to a User's stored attributes, in order and
 * all-or-nothing, tolerating what Microsoft Entra ID sends: `op` in any case; "True"/"False" strings
 * for booleans; path-less values whose keys are paths (`name.givenName`, full URN names) or extension
 * URNs; value-filter paths that create the element when none matches; manager as a bare id, `{value}`
 * or `[{$ref, value}]` (stored as `{value}`); null or "" meaning remove. Unregistered custom extension
 * attributes and password are skipped and reported in `dropped`.
 * The work is bounded by `limits`: the request's size up front, then element visits (filter
 * evaluations, value comparisons) counted against maxPatchOperations × maxMultiValuedElements.
 * @returns new attributes (the input is not mutated), the changed top-level attributes, dropped names.
 * @throws ScimError invalidSyntax (unknown op), noTarget (remove without path; no match that can be
 * created), invalidPath (unknown attribute or malformed path), mutability (readOnly target),
 * invalidValue (wrong value type, missing value, required attribute removed, a limit exceeded),
 * invalidFilter (a path over the filter limits).
 */
export function applyPatch(
  schema: UserSchema,
  attributes: UserAttributes,
  operations: readonly PatchOperation[],
  limits: ScimLimits = DEFAULT_SCIM_LIMITS,
): PatchResult {
  if (!Array.isArray(operations)) throw ScimError.invalidSyntax('"Operations" must be an array');
  checkPatchRequest(operations, limits);
  checkPatchCost(attributes, operations.length, limits);
  const draft = new AttributeDraft(attributes, schema.core.id);
  const context: PatchContext = { schema, limits, draft, log: { dropped: [] }, work: new PatchWork(limits) };
  for (const operation of operations) applyOperation(context, operation);
  const result = context.draft.snapshot();
  checkRequired(schema, attributes, result);
  return { attributes: result, changes: diffAttributes(attributes, result), dropped: [...new Set(context.log.dropped)] };
}

function applyOperation(context: PatchContext, operation: unknown): void {
  if (!isPlainObject(operation)) throw ScimError.invalidSyntax('Each operation must be an object');
  const kind = operationKind(operation.op);
  const { path, value } = operation;
  if (path === undefined || path === null) {
    if (kind === 'remove') throw ScimError.noTarget('A remove operation needs a "path"');
    if (!isPlainObject(value)) {
      throw ScimError.invalidValue(`An ${kind} without "path" needs an object of attributes as "value"`);
    }
    for (const [key, member] of Object.entries(value)) {
      if (!IGNORED_KEYS.has(key.toLowerCase())) applyAtPath(context, kind, key, member);
    }
    return;
  }
  if (typeof path !== 'string') throw ScimError.invalidPath('"path" must be a string');
  if (kind !== 'remove' && value === undefined) throw ScimError.invalidValue(`An ${kind} operation needs a "value"`);
  applyAtPath(context, kind, path, value);
}

function operationKind(op: unknown): PatchKind {
  const kind = typeof op === 'string' ? op.trim().toLowerCase() : undefined;
  if (kind === 'add' || kind === 'replace' || kind === 'remove') return kind;
  throw ScimError.invalidSyntax(`"op" must be add, replace or remove, not ${JSON.stringify(op)}`);
}

/** A path, or a key of a path-less value, which Entra's aadOptscim062020 mode writes as a path too. */
function applyAtPath(context: PatchContext, kind: PatchKind, text: string, value: unknown): void {
  const { schema } = context;
  const trimmed = text.trim();
  const extension = schema.extension(trimmed);
  if (extension) return applyToExtension(context, kind, extension.id, value);
  // A URN no schema of this IdP starts with: an unregistered custom extension, skipped whatever its shape.
  if (/^urn:/i.test(trimmed) && !schema.all.some((s) => trimmed.toLowerCase().startsWith(s.id.toLowerCase()))) {
    return void context.log.dropped.push(trimmed);
  }
  applyToTarget(context, kind, resolveTarget(schema, parsePatchPath(text, context.limits)), value);
}

function applyToTarget(context: PatchContext, kind: PatchKind, target: Target, value: unknown): void {
  if (target.kind === 'dropped') context.log.dropped.push(target.name);
  else if (target.kind === 'extension') applyToExtension(context, kind, target.schemaId, value);
  else applyToAttribute(context, kind, target, value);
}

/** A whole extension as target: its attributes one by one (RFC 7644 §3.5.2.3: others left unchanged). */
function applyToExtension(context: PatchContext, kind: PatchKind, schemaId: string, value: unknown): void {
  if (kind === 'remove' || isEmptyInput(value)) return context.draft.clearExtension(schemaId);
  if (!isPlainObject(value)) throw ScimError.invalidValue(`"${schemaId}" needs an object of its attributes as "value"`);
  for (const [key, member] of Object.entries(value)) {
    if (IGNORED_KEYS.has(key.toLowerCase())) continue;
    const path: PatchPath = /[.[]/.test(key) ? parsePatchPath(`${schemaId}:${key}`, context.limits) : { schema: schemaId, attribute: key };
    applyToTarget(context, kind, resolveTarget(context.schema, path), member);
  }
}

/** RFC 7644 §3.5.2: an operation must leave the resource valid for its schema (userName stays). */
function checkRequired(schema: UserSchema, before: UserAttributes, after: UserAttributes): void {
  for (const { name, required } of schema.core.attributes) {
    if (required && before[name] !== undefined && after[name] === undefined) {
      throw ScimError.invalidValue(`"${name}" is required and cannot be removed`);
    }
  }
}
