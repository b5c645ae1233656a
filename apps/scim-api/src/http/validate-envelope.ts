import { ScimError } from '@app/scim/errors/scim-error';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { classTransformerInput } from './class-transformer-input';

/**
 * Checks a fixed-shape request envelope (PatchOp, SearchRequest); resource bodies go through the SCIM schema instead.
 * Only the envelope's own members reach class-transformer, so a member named `constructor` or
 * `__proto__` is ignored like any other unknown one, and within them such members are dropped
 * (classTransformerInput); a member sent as null is absent.
 */
export function validateEnvelope<T extends object>(type: new () => T, plain: unknown): T {
  if (!isRecord(plain)) throw ScimError.invalidSyntax('The request body must be a JSON object');
  const instance = plainToInstance(type, classTransformerInput(envelopeMembers(plain)));
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) throw ScimError.invalidSyntax(describe(errors));
  return instance;
}

/** A member of an envelope as sent (names are case-insensitive), or undefined when absent or null. */
export function envelopeMember(plain: unknown, name: EnvelopeMember): unknown {
  return isRecord(plain) ? envelopeMembers(plain)[name] : undefined;
}

const ENVELOPE_MEMBERS = ['schemas', 'Operations', 'filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes'] as const;
type EnvelopeMember = (typeof ENVELOPE_MEMBERS)[number];
const BY_LOWER_CASE: ReadonlyMap<string, EnvelopeMember> = new Map(ENVELOPE_MEMBERS.map((name) => [name.toLowerCase(), name]));

/** SCIM member names are case-insensitive, so `operations` is taken for `Operations`; null means absent. */
function envelopeMembers(plain: Record<string, unknown>): Partial<Record<EnvelopeMember, unknown>> {
  const members: Partial<Record<EnvelopeMember, unknown>> = {};
  for (const [key, value] of Object.entries(plain)) {
    const name = BY_LOWER_CASE.get(key.toLowerCase());
    if (name !== undefined && value !== null) members[name] = value;
  }
  return members;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(errors: ValidationError[], prefix = ''): string {
  return errors
    .flatMap((e) => {
      const path = `${prefix}${e.property}`;
      const own = Object.values(e.constraints ?? {}).map((m) => m.replace(e.property, path));
      return [...own, describe(e.children ?? [], `${path}.`)].filter(Boolean);
    })
    .join('; ');
}
