import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { Link } from './export-records';

/**
 * RFC 8785 canonical JSON: the one spelling of a value (sorted keys, no whitespace, ES number form),
 * so a hash over it survives any re-reading of the JSON.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('Only JSON values have a canonical form');
  return text;
}

/** SHA-256 (hex) of a record's canonical JSON, taken without its `hash`. */
export function hashOf(unhashed: object): string {
  return createHash('sha256').update(canonicalJson(unhashed), 'utf8').digest('hex');
}

/** Links a record to the one before it: adds `prev`, then `hash` over the whole. */
export function link<R extends object>(record: R, prev: string): R & Link {
  const linked = { ...record, prev };
  return { ...linked, hash: hashOf(linked) };
}

/** A record as its NDJSON line: canonical too, so every byte of the file is covered by its hash. */
export function toLine(record: object): string {
  return `${canonicalJson(record)}\n`;
}
