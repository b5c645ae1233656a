import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { classTransformerInput } from '../../http/class-transformer-input';
import { AdminRequestError } from './admin-errors';

/**
 * An admin request body checked against its DTO: a JSON object with only the DTO's members (a typo
 * is a 400 naming what is accepted, never silently ignored), null meaning absent. An absent body is `{}`.
 */
export function adminBody<T extends object>(type: new () => T, body: unknown): T {
  const plain = body ?? {};
  if (typeof plain !== 'object' || Array.isArray(plain)) throw AdminRequestError.badRequest('The request body must be a JSON object');
  const known = new Set(getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).map((m) => m.propertyName));
  const unknown = Object.keys(plain).filter((key) => !known.has(key));
  if (unknown.length > 0) throw AdminRequestError.badRequest(`Unknown member ${unknown.map((k) => `"${k}"`).join(', ')}; accepted: ${[...known].join(', ')}`);
  const members = Object.fromEntries(Object.entries(plain).filter(([, value]) => value !== null));
  const instance = plainToInstance(type, classTransformerInput(members));
  const errors = validateSync(instance);
  if (errors.length > 0) throw AdminRequestError.badRequest(describe(errors));
  return instance;
}

function describe(errors: readonly ValidationError[]): string {
  return errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ');
}
