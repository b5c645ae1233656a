import { ScimError } from '@app/scim/errors/scim-error';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Checks a fixed-shape request envelope (PatchOp, SearchRequest); resource bodies go through the SCIM schema instead. */
export function validateEnvelope<T extends object>(type: new () => T, plain: unknown): T {
  if (!plain || typeof plain !== 'object' || Array.isArray(plain)) throw ScimError.invalidSyntax('The request body must be a JSON object');
  const instance = plainToInstance(type, withCanonicalKeys(plain as Record<string, unknown>));
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) throw ScimError.invalidSyntax(describe(errors));
  return instance;
}

const ENVELOPE_MEMBERS = ['schemas', 'Operations', 'filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes'];

/** SCIM member names are case-insensitive, so `operations` is taken for `Operations`. */
function withCanonicalKeys(plain: Record<string, unknown>): Record<string, unknown> {
  const known = ENVELOPE_MEMBERS;
  return Object.fromEntries(
    Object.entries(plain).map(([key, value]) => [known.find((k) => k.toLowerCase() === key.toLowerCase()) ?? key, value]),
  );
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
