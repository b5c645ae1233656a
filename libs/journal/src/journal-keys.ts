import type { RequestIdentifiers } from './journal-entry';

/** How each kind of identifier is spelled in the journal's one GIN-indexed column. */
const PREFIXES = { userIds: 'user:', userNames: 'name:', emails: 'mail:', externalIds: 'ext:' } as const satisfies Record<keyof RequestIdentifiers, string>;
const REQUEST_PREFIX = 'req:';

/** The indexed keys of a request: its identifiers and its request id. */
export function keysOf(requestId: string, identifiers: RequestIdentifiers): string[] {
  return [`${REQUEST_PREFIX}${requestId}`, ...identifierKeys(identifiers)];
}

/** The keys a search looks for; all but externalIds lower-cased, as they are kept. */
export function identifierKeys(identifiers: Partial<RequestIdentifiers>): string[] {
  return (Object.keys(PREFIXES) as (keyof RequestIdentifiers)[]).flatMap((kind) =>
    (identifiers[kind] ?? []).map((value) => PREFIXES[kind] + (kind === 'externalIds' ? value : value.toLowerCase())),
  );
}

export function requestKey(requestId: string): string {
  return REQUEST_PREFIX + requestId;
}

/** The identifiers back from their keys. */
export function identifiersOfKeys(keys: readonly string[]): RequestIdentifiers {
  const of = (kind: keyof RequestIdentifiers) => keys.filter((key) => key.startsWith(PREFIXES[kind])).map((key) => key.slice(PREFIXES[kind].length));
  return { userIds: of('userIds'), userNames: of('userNames'), emails: of('emails'), externalIds: of('externalIds') };
}

/** The user ids among keys, for a search that follows a mail to the requests addressed to the user by id. */
export const USER_KEY_PREFIX = PREFIXES.userIds;
