import { createHash } from 'node:crypto';

/** The only place stream ids are spelled; every stream carries its IdP. */
export const StreamIds = {
  user: (providerId: string, userId: string) => `user-${providerId}-${userId}`,
  identityProvider: (providerId: string) => `idp-${providerId}`,
  /** The administrators of the service and their admin tokens: one stream, not an IdP's. */
  administrators: () => 'administrators',
  /** userName is unique per IdP case-insensitively (RFC 7643 §4.1.1 caseExact false). */
  userNameReservation: (providerId: string, userName: string) => `username-${providerId}-${digest(userName.toLowerCase())}`,
  /** externalId is caseExact (RFC 7643 §3.1), so it is reserved as sent. */
  externalIdReservation: (providerId: string, externalId: string) => `externalid-${providerId}-${digest(externalId)}`,
} as const;

function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 40);
}
