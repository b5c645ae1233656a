import { UserAttributes } from '../resource/user-attributes';
import { AttributeDefinition } from '../schema/attribute-definition';
import { ENTERPRISE_USER_SCHEMA_ID } from '../schema/enterprise-user.schema';
import { JsonObject, compact, isPlainObject } from './json-value';
import { PatchWork } from './patch-work';

export interface AttributeLocation {
  readonly schemaId: string;
  readonly definition: AttributeDefinition;
}

/**
 * A private, mutable copy of stored attributes that a PATCH works on, so a failing operation leaves
 * the caller's object untouched (RFC 7644 §3.5.2: all operations or none). Writes are compacted
 * (empty elements, objects and arrays removed) and put in stored form.
 */
export class AttributeDraft {
  private readonly attributes: JsonObject;

  constructor(
    source: UserAttributes,
    private readonly coreSchemaId: string,
  ) {
    this.attributes = structuredClone(source) as JsonObject;
  }

  get(location: AttributeLocation): unknown {
    return this.container(location.schemaId)?.[location.definition.name];
  }

  /** Sets the value, or removes the attribute when the value is undefined or compacts to nothing. */
  set(location: AttributeLocation, value: unknown): void {
    const { schemaId, definition } = location;
    const stored = storedForm(location, compact(value));
    if (schemaId === this.coreSchemaId) {
      if (stored === undefined) delete this.attributes[definition.name];
      else this.attributes[definition.name] = stored;
      return;
    }
    const extension = { ...(this.container(schemaId) ?? {}) };
    if (stored === undefined) delete extension[definition.name];
    else extension[definition.name] = stored;
    if (Object.keys(extension).length === 0) delete this.attributes[schemaId];
    else this.attributes[schemaId] = extension;
  }

  clearExtension(schemaId: string): void {
    delete this.attributes[schemaId];
  }

  snapshot(): UserAttributes {
    return this.attributes;
  }

  private container(schemaId: string): JsonObject | undefined {
    if (schemaId === this.coreSchemaId) return this.attributes;
    const extension = this.attributes[schemaId];
    return isPlainObject(extension) ? extension : undefined;
  }
}

/** Entra reads manager back as `{ "value": id }` (plus `$ref` when one was sent); without a value there is no manager. */
function storedForm({ schemaId, definition }: AttributeLocation, value: unknown): unknown {
  if (schemaId !== ENTERPRISE_USER_SCHEMA_ID || definition.name !== 'manager' || !isPlainObject(value)) return value;
  if (typeof value.value !== 'string' || value.value === '') return undefined;
  return typeof value.$ref === 'string' && value.$ref !== '' ? { value: value.value, $ref: value.$ref } : { value: value.value };
}

/** What applying one operation needs: the draft to edit, the log of dropped names, the work counter. */
export interface EditContext {
  readonly draft: AttributeDraft;
  readonly log: { readonly dropped: string[] };
  readonly work: PatchWork;
}
