import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The published JSON Schemas, where consumers get them. */
export const CONTRACTS = join(__dirname, '../../contracts');

/**
 * A validator for each event type's v1 schema (by title, e.g. 'UserProvisioned'), compiled strictly as a
 * careful consumer would: members the messages carry must be declared, not merely tolerated.
 * All schemas are added first: the event schemas refer to the shared ones (withheld, actor) by $id.
 */
export function contractSchemas(): { titles: string[]; validatorOf: (eventType: string) => ValidateFunction } {
  const ajv = new Ajv2020({ strict: true, strictRequired: false });
  addFormats(ajv);
  const schemas = readdirSync(CONTRACTS)
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => JSON.parse(readFileSync(join(CONTRACTS, f), 'utf8')) as { $id: string; title: string });
  schemas.forEach((schema) => ajv.addSchema(schema));
  return {
    titles: schemas.map((s) => s.title),
    validatorOf: (eventType) => ajv.getSchema(schemas.find((s) => s.title === `${eventType} v1`)!.$id)!,
  };
}
