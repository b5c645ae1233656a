import { Filter } from '@app/scim/filter/filter-ast';
import { parseFilter } from '@app/scim/filter/filter-parser';
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
 * resource, a path-less PATCH value or a PATCH operation's path puts them (`emails[type eq "work"].value`),
 * and the values a filter (`?filter=` or a SearchRequest's) looks them up by with `eq`.
 * All but externalIds are lower-cased: mails and userNames match case-insensitively, and user ids are
 * UUIDs (the routes lower-case them too).
 */
export function identifiersOf(body: unknown, userIds: readonly (string | undefined)[], filter?: string): RequestIdentifiers {
  const found = new Found();
  for (const id of userIds) if (id) found.add('userIds', id);
  visit(body, found, 0);
  const searched = (body as { filter?: unknown } | null | undefined)?.filter;
  for (const text of [filter, searched]) if (typeof text === 'string') compared(text, found);
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

/** The values a filter (`?filter=`) compares userName, externalId or an email with by `eq`; nothing when it does not parse. */
function compared(filter: string, found: Found): void {
  let parsed: Filter;
  try {
    parsed = parseFilter(filter);
  } catch {
    return;
  }
  equalities(parsed, undefined, found);
}

/** `within` is the multi-valued attribute of an enclosing `emails[…]`. */
function equalities(filter: Filter, within: string | undefined, found: Found): void {
  switch (filter.kind) {
    case 'compare': {
      if (filter.op !== 'eq') return;
      const attribute = filter.path.attribute.toLowerCase();
      const sub = filter.path.subAttribute?.toLowerCase();
      if (within === 'emails') return attribute === 'value' ? take('emails', filter.value, found) : undefined;
      return take(attribute === 'emails' && sub !== undefined && sub !== 'value' ? '' : attribute, filter.value, found);
    }
    case 'and':
    case 'or':
      equalities(filter.left, within, found);
      return equalities(filter.right, within, found);
    case 'not':
    case 'present':
      return;
    case 'valuePath':
      return equalities(filter.filter, filter.path.attribute.toLowerCase(), found);
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
