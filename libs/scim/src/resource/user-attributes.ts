/**
 * A user's stored attributes in SCIM wire shape: core attributes at the top level under their
 * canonical names, extension attributes in an object keyed by the extension URN. No id, meta or
 * schemas: those are derived when the resource is rendered.
 */
export type UserAttributes = Readonly<Record<string, unknown>>;
