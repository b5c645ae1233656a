import { UserSchema } from '../schema/user-schema';
import { UserAttributes } from './user-attributes';

export interface StoredUser {
  readonly id: string;
  readonly attributes: UserAttributes;
  readonly version: number;
  readonly createdAt: Date;
  readonly lastModifiedAt: Date;
}

/** RFC 7644 §3.14: the weak ETag is the stream revision, and equals meta.version. */
export function userEtag(version: number): string {
  return `W/"${version}"`;
}

/**
 * The SCIM representation of a stored user (RFC 7643 §4.1): `schemas` lists the core schema and
 * each extension the user has values in, attributes come back exactly as stored, `meta` is derived.
 */
export function renderUser(schema: UserSchema, user: StoredUser, location: string): Record<string, unknown> {
  const core: Record<string, unknown> = {};
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(user.attributes)) {
    if (schema.extension(key)) extensions[key] = value;
    else core[key] = value;
  }
  const { externalId, userName, ...rest } = core;
  return {
    schemas: [schema.core.id, ...Object.keys(extensions)],
    id: user.id,
    ...(externalId !== undefined ? { externalId } : {}),
    userName,
    ...rest,
    ...extensions,
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.lastModifiedAt.toISOString(),
      version: userEtag(user.version),
      location,
    },
  };
}
