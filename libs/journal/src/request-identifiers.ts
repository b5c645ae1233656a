import { cleanText } from './clean-text';
import type { RequestIdentifiers } from './journal-entry';
import { attributeNamed } from './redacted-body';

/** Values of each kind kept per request, and characters per value (indexed values are at most 512, SCIM_MAX_INDEXED_STRING_LENGTH's default). */
const MAX_VALUES = 20;
const MAX_CHARS = 512;
/** Objects and arrays looked into: a hostile body costs no more than this. */
const MAX_NODES = 10_000;
const MAX_DEPTH = 64;

/**
 * The identifiers a request carried: `userIds` as the caller knows them (the id in the path, the id
 * a POST created), and from the body every userName, externalId and email value, wherever a
 * resource, a path-less PATCH value or a PATCH operation's path puts them (`emails[type eq "work"].value`).
 * All but externalIds are lower-cased: mails and userNames match case-insensitively, and user ids are
 * UUIDs (the routes lower-case them too).
 */
export function identifiersOf(body: unknown, userIds: readonly (string | undefined)[]): RequestIdentifiers {
  const found = new Found();
  for (const id of userIds) if (id) found.add('userIds', id);
  visit(body, found, 0);
  return { userIds: [...found.userIds], userNames: [...found.userNames], emails: [...found.emails], externalIds: [...found.externalIds] };
}

type Kind = keyof RequestIdentifiers;

class Found {
  readonly userIds = new Set<string>();
  readonly userNames = new Set<string>();
  readonly emails = new Set<string>();
  readonly externalIds = new Set<string>();
  nodes = 0;

  add(kind: Kind, value: unknown): void {
    if (typeof value !== 'string' || value === '' || this[kind].size >= MAX_VALUES) return;
    const text = cleanText(value, MAX_CHARS);
    this[kind].add(kind === 'externalIds' ? text : text.toLowerCase());
  }
}

function visit(node: unknown, found: Found, depth: number): void {
  if (node === null || typeof node !== 'object' || depth > MAX_DEPTH || ++found.nodes > MAX_NODES) return;
  if (Array.isArray(node)) {
    for (const element of node) visit(element, found, depth + 1);
    return;
  }
  const members = Object.entries(node);
  const path = members.find(([key, value]) => key.toLowerCase() === 'path' && typeof value === 'string')?.[1] as string | undefined;
  const value = members.find(([key]) => key.toLowerCase() === 'value')?.[1];
  // A PATCH operation: its path says what its value is.
  if (path !== undefined && value !== undefined) take(attributeNamed(path), value, found);
  for (const [key, member] of members) {
    take(attributeNamed(key), member, found);
    visit(member, found, depth + 1);
  }
}

function take(attribute: string, value: unknown, found: Found): void {
  if (attribute === 'username') found.add('userNames', value);
  else if (attribute === 'externalid') found.add('externalIds', value);
  else if (attribute === 'emails') emailValues(value).forEach((mail) => found.add('emails', mail));
}

/** `emails` as a multi-valued attribute, one element, or (`emails[…].value`) a bare value. */
function emailValues(value: unknown): unknown[] {
  const elements = Array.isArray(value) ? value : [value];
  return elements.map((element) => (element !== null && typeof element === 'object' && !Array.isArray(element) ? valueMember(element) : element));
}

function valueMember(element: object): unknown {
  return Object.entries(element).find(([key]) => key.toLowerCase() === 'value')?.[1];
}
