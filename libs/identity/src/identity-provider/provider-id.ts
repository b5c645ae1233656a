/** Provider ids appear in URLs and stream ids: letters, digits, ".", "_" and "-", up to 128. */
const PROVIDER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isValidProviderId(providerId: string): boolean {
  return PROVIDER_ID.test(providerId);
}
