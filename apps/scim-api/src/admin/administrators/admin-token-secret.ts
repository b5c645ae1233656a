import { randomBytes } from 'node:crypto';

/** A new admin secret: 32 random bytes, so one SHA-256 of it is safe to store; the prefix tells people it is no SCIM token. */
export function newAdminTokenSecret(): string {
  return `admin_${randomBytes(32).toString('base64url')}`;
}
