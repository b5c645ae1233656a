import { AttributeDefinition, SchemaDefinition, attribute, findAttribute } from './attribute-definition';
import { CORE_USER_SCHEMA, CORE_USER_SCHEMA_ID } from './core-user.schema';
import type { CustomAttribute } from './custom-attribute';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user.schema';

/** An attribute located in a schema; `schemaId` is the core schema or the extension URN that keys it in a resource. */
export interface ResolvedAttribute {
  readonly schemaId: string;
  readonly definition: AttributeDefinition;
}

const CUSTOM_ATTRIBUTE_NAME = /^(urn:[A-Za-z0-9][A-Za-z0-9._:%-]*):([A-Za-z][A-Za-z0-9_$-]*)$/;

/** Splits `urn:…:<Name>:2.0:User:<attr>` (Entra's custom attribute naming) into its extension URN and attribute name. */
export function parseCustomAttributeName(fullName: string): { schemaId: string; attributeName: string } {
  const match = CUSTOM_ATTRIBUTE_NAME.exec(fullName.trim());
  if (!match) {
    throw new Error(`"${fullName}" is not a custom attribute name of the form urn:…:<Extension>:2.0:User:<attribute>`);
  }
  const [, schemaId, attributeName] = match;
  const lower = schemaId.toLowerCase();
  const standard = [CORE_USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA.id].map((id) => id.toLowerCase());
  if (standard.some((id) => lower === id || lower.startsWith(`${id}:`))) {
    throw new Error(`"${fullName}" belongs to a standard schema; only extension attributes can be registered`);
  }
  return { schemaId, attributeName };
}

/**
 * The User resource type as one IdP sees it: the core schema, the enterprise extension, and the
 * custom extension attributes that IdP registered (single-valued strings, as Entra allows for
 * non-gallery apps). Lookups are case-insensitive (RFC 7643 §2.1).
 */
export class UserSchema {
  readonly extensions: readonly SchemaDefinition[];

  private constructor(customExtensions: readonly SchemaDefinition[]) {
    this.extensions = [ENTERPRISE_USER_SCHEMA, ...customExtensions];
  }

  /** A bare name string is a `string` attribute. */
  static withCustomAttributes(registered: readonly (string | CustomAttribute)[] = []): UserSchema {
    const bySchema = new Map<string, AttributeDefinition[]>();
    for (const custom of registered) {
      const { schemaId, attributeName } = parseCustomAttributeName(typeof custom === 'string' ? custom : custom.name);
      const key = [...bySchema.keys()].find((k) => k.toLowerCase() === schemaId.toLowerCase()) ?? schemaId;
      const attributes = bySchema.get(key) ?? [];
      if (!findAttribute(attributes, attributeName)) attributes.push(attribute(attributeName, 'string'));
      bySchema.set(key, attributes);
    }
    const custom = [...bySchema].map(([id, attributes]) => ({
      id,
      name: id.split(':').slice(-3, -2)[0] ?? id,
      description: 'Custom extension attributes registered for this identity provider',
      attributes,
    }));
    return new UserSchema(custom);
  }

  get core(): SchemaDefinition {
    return CORE_USER_SCHEMA;
  }

  get all(): readonly SchemaDefinition[] {
    return [CORE_USER_SCHEMA, ...this.extensions];
  }

  /** The extension with this URN (case-insensitive), if the IdP has it. */
  extension(urn: string): SchemaDefinition | undefined {
    const wanted = urn.toLowerCase();
    return this.extensions.find((s) => s.id.toLowerCase() === wanted);
  }

  /**
   * Locates an attribute by its top-level name. With a schema URN only that schema is searched;
   * without, the core schema first and then the extensions (Entra sends `manager` unqualified).
   */
  resolve(schemaUrn: string | undefined, name: string): ResolvedAttribute | undefined {
    const candidates = schemaUrn === undefined ? this.all : this.all.filter((s) => s.id.toLowerCase() === schemaUrn.toLowerCase());
    for (const schema of candidates) {
      const definition = findAttribute(schema.attributes, name);
      if (definition) return { schemaId: schema.id, definition };
    }
    return undefined;
  }

  /** Splits a full attribute name `urn:…:User:attr` into a known schema URN and the rest, if one matches. */
  splitUrn(fullName: string): { schemaId: string; rest: string } | undefined {
    const lower = fullName.toLowerCase();
    for (const schema of this.all) {
      const prefix = schema.id.toLowerCase() + ':';
      if (lower.startsWith(prefix)) return { schemaId: schema.id, rest: fullName.slice(prefix.length) };
    }
    return undefined;
  }
}
