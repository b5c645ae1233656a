import { AttributeDefinition, SchemaDefinition, attribute, findAttribute } from './attribute-definition';
import { CORE_USER_SCHEMA, CORE_USER_SCHEMA_ID } from './core-user.schema';
import type { CustomAttribute, CustomAttributeType } from './custom-attribute';
import { ENTERPRISE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA_ID } from './enterprise-user.schema';

/** An attribute located in a schema; `schemaId` is the core schema or the extension URN that keys it in a resource. */
export interface ResolvedAttribute {
  readonly schemaId: string;
  readonly definition: AttributeDefinition;
}

/** A custom attribute name split into the extension that holds it (none for a plain name) and the attribute. */
export interface CustomAttributeName {
  readonly schemaId: string | undefined;
  readonly attributeName: string;
}

const ATTRIBUTE_NAME = '[A-Za-z][A-Za-z0-9_$-]*';
const PLAIN_NAME = new RegExp(`^${ATTRIBUTE_NAME}$`);
const FULL_NAME = new RegExp(`^(urn:[A-Za-z0-9][A-Za-z0-9._:%-]*):(${ATTRIBUTE_NAME})$`);

/** Members every resource has (RFC 7643 §3.1) beside the attributes of its schemas. */
const RESERVED_NAMES = new Set(['schemas', 'id', 'meta', 'externalid']);

/** True when `name` has the form of a plain custom attribute name (JobCode), registered or not. */
export function isPlainAttributeName(name: string): boolean {
  return PLAIN_NAME.test(name);
}

/**
 * Splits a custom attribute name as an IdP administrator types it: a plain name such as `JobCode`
 * (what the customer's guide has the Entra admin add to the customappsso list; it travels at the top
 * level of the User resource) or `urn:…:<Extension>:2.0:User:<attr>` (kept inside its extension).
 * @throws Error when the name is malformed, is a core or enterprise attribute or a reserved member,
 * or sits under a standard schema URN: such names are the standard schemas' own.
 */
export function parseCustomAttributeName(name: string): CustomAttributeName {
  const trimmed = name.trim();
  if (PLAIN_NAME.test(trimmed)) return { schemaId: undefined, attributeName: checkPlainName(trimmed) };
  const match = FULL_NAME.exec(trimmed);
  if (!match) {
    throw new Error(
      `"${name}" is not a custom attribute name of the form JobCode (a letter, then letters, digits, "_", "$" or "-") or urn:…:<Extension>:2.0:User:<attribute>`,
    );
  }
  const [, schemaId, attributeName] = match;
  const lower = schemaId.toLowerCase();
  const standard = [CORE_USER_SCHEMA_ID, ENTERPRISE_USER_SCHEMA_ID].map((id) => id.toLowerCase());
  if (standard.some((id) => lower === id || lower.startsWith(`${id}:`))) {
    throw new Error(`"${name}" belongs to a standard schema; only extension attributes can be registered`);
  }
  return { schemaId, attributeName };
}

/** A plain name shares the top level with the core schema, so it may not take one of its names (nor enterprise's, which Entra sends unqualified). */
function checkPlainName(name: string): string {
  if (RESERVED_NAMES.has(name.toLowerCase())) {
    throw new Error(`"${name}" is reserved by SCIM (RFC 7643 §3.1); a custom attribute needs a name of its own`);
  }
  for (const schema of [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA]) {
    const standard = findAttribute(schema.attributes, name);
    if (standard) {
      throw new Error(`"${name}" is the ${schema.name} attribute "${standard.name}"; a custom attribute needs a name of its own`);
    }
  }
  return name;
}

/** Where a plain custom attribute is described: in this IdP's core User schema, beside the attributes it shares the top level with. */
function plainAttribute(name: string, type: CustomAttributeType): AttributeDefinition {
  return attribute(name, type, {
    description: `Custom attribute registered for this identity provider (${type}), carried at the top level of the User resource`,
  });
}

function extensionAttribute(name: string, type: CustomAttributeType): AttributeDefinition {
  return attribute(name, type, { description: `Custom attribute registered for this identity provider (${type})` });
}

/**
 * The User resource type as one IdP sees it: the core schema with the plain-named custom attributes
 * that IdP registered, the enterprise extension, and one extension per URN of its full-named custom
 * attributes. Custom attributes are single-valued and simple, as Entra allows for non-gallery apps,
 * each of its registered type. Lookups are case-insensitive (RFC 7643 §2.1).
 */
export class UserSchema {
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];

  private constructor(plain: readonly AttributeDefinition[], customExtensions: readonly SchemaDefinition[]) {
    // RFC 7643 §3: the top level of a resource holds the attributes of its core schema, so a plain
    // name Entra sends there is, for this IdP, an attribute of the core User schema; a schema of its
    // own would claim an extension object (keyed by its URN) that the resource never has.
    this.core = plain.length === 0 ? CORE_USER_SCHEMA : { ...CORE_USER_SCHEMA, attributes: [...CORE_USER_SCHEMA.attributes, ...plain] };
    this.extensions = [ENTERPRISE_USER_SCHEMA, ...customExtensions];
  }

  /** A bare string is a `string` attribute; the first of two names differing only in case wins. */
  static withCustomAttributes(registered: readonly (string | CustomAttribute)[] = []): UserSchema {
    const plain: AttributeDefinition[] = [];
    const bySchema = new Map<string, AttributeDefinition[]>();
    for (const custom of registered) {
      const { name, type } = typeof custom === 'string' ? { name: custom, type: 'string' as const } : custom;
      const { schemaId, attributeName } = parseCustomAttributeName(name);
      if (schemaId === undefined) {
        if (!findAttribute(plain, attributeName)) plain.push(plainAttribute(attributeName, type));
        continue;
      }
      const key = [...bySchema.keys()].find((k) => k.toLowerCase() === schemaId.toLowerCase()) ?? schemaId;
      const attributes = bySchema.get(key) ?? [];
      if (!findAttribute(attributes, attributeName)) attributes.push(extensionAttribute(attributeName, type));
      bySchema.set(key, attributes);
    }
    const custom = [...bySchema].map(([id, attributes]) => ({
      id,
      name: id.split(':').slice(-3, -2)[0] ?? id,
      description: 'Custom extension attributes registered for this identity provider',
      attributes,
    }));
    return new UserSchema(plain, custom);
  }

  get all(): readonly SchemaDefinition[] {
    return [this.core, ...this.extensions];
  }

  /** The extension with this URN (case-insensitive), if the IdP has it. */
  extension(urn: string): SchemaDefinition | undefined {
    const wanted = urn.toLowerCase();
    return this.extensions.find((s) => s.id.toLowerCase() === wanted);
  }

  /**
   * Locates an attribute by its top-level name. With a schema URN only that schema is searched;
   * without, the core schema first (plain custom attributes included) and then the extensions
   * (Entra sends `manager` unqualified; a filter may name an extension attribute without its URN).
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
