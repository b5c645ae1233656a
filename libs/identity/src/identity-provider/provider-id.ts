/** Longest provider id registration accepts; the HTTP router takes path segments at least this long. */
export const PROVIDER_ID_MAX_LENGTH = 128;

/** Provider ids appear in URLs and stream ids: letters, digits, ".", "_" and "-", up to 128. */
const PROVIDER_ID = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${PROVIDER_ID_MAX_LENGTH - 1}}$`);

export function isValidProviderId(providerId: string): boolean {
  return PROVIDER_ID.test(providerId);
}
