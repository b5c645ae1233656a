import { cleanText } from '@app/journal/clean-text';

/** The router matches paths case-insensitively (Entra sends /Users and /users), so these do too. */
const TENANT = /^\/scim\/v2\/enterprise-idps\/([^/?#]*)/i;
const USER = /^\/scim\/v2\/enterprise-idps\/[^/?#]*\/users\/([^/?#]+)/i;
/** A provider id is 1–128 characters; what a hostile URL holds beyond that is not worth keeping. */
const MAX_PROVIDER_ID_CHARS = 128;
const MAX_USER_ID_CHARS = 512;

/** Whether a request URL is a SCIM request (everything under /scim/), the journal's scope. */
export function isScimUrl(url: string): boolean {
  return url.slice(0, 6).toLowerCase() === '/scim/';
}

/** The tenant segment of a SCIM URL, decoded and capped: the IdP a request was addressed to, whether it exists or not. */
export function providerIdOfUrl(url: string): string | null {
  return segment(TENANT.exec(url)?.[1], MAX_PROVIDER_ID_CHARS);
}

/** The user id of `/Users/{id}` (not `/Users/.search`). */
export function userIdOfUrl(url: string): string | undefined {
  const id = segment(USER.exec(url)?.[1], MAX_USER_ID_CHARS);
  return id === null || id === '.search' ? undefined : id;
}

/** The user id a Location (`…/Users/{id}`) names, whatever origin and prefix come before it. */
export function userIdOfLocation(location: string): string | undefined {
  return segment(location.slice(location.lastIndexOf('/') + 1), MAX_USER_ID_CHARS) ?? undefined;
}

function segment(raw: string | undefined, maxChars: number): string | null {
  if (!raw) return null;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // Bad percent-encoding: kept as sent.
  }
  return cleanText(decoded, maxChars);
}
