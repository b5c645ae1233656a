import { CANONICALIZATION, EXPORT_FORMAT, EXPORT_FORMAT_VERSION, GENESIS, HASH_ALGORITHM, HeaderRecord } from './export-records';
import { canonicalJson, hashOf } from './hash-chain';
import type { Line } from './ndjson-lines';

/** Why a file is not an unaltered export, by kind. */
export type Problem =
  | 'unreadable' // not UTF-8, not JSON, or not a record
  | 'not-canonical' // the bytes changed though the value may not have
  | 'altered' // the record's hash does not match its content
  | 'broken-chain' // the record does not follow the one before: one was deleted, inserted or reordered
  | 'misplaced' // a header, event or trailer where another kind belongs, or an unknown format
  | 'out-of-order' // positions do not increase, or pass the header's throughPosition
  | 'count-mismatch'
  | 'truncated' // no trailer, or no newline after it
  | 'after-trailer'
  | 'head-mismatch'; // intact, but not the chain whose head was recorded

/** The first bad record: its line (from 1), its event position when the line could be read, and why. */
export interface Finding {
  readonly valid: false;
  readonly line: number;
  readonly position?: number;
  readonly problem: Problem;
  readonly message: string;
}

export interface Valid {
  readonly valid: true;
  /** Every record: the header, the events, the trailer. */
  readonly records: number;
  readonly events: number;
  /** The trailer's hash: the head of the chain, to compare with the one recorded at export. */
  readonly head: string;
  readonly header: HeaderRecord;
}

export type Verdict = Valid | Finding;

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * Checks an export line by line, holding nothing but the last hash: every line canonical JSON whose
 * hash matches, each linked to the one before, a header first, events in increasing position up to the
 * header's throughPosition, a trailer counting them last. The first problem is final.
 */
export class ChainVerifier {
  private finding?: Finding;
  private header?: HeaderRecord;
  private head?: string;
  private prev = GENESIS;
  private lines = 0;
  private events = 0;
  private lastPosition = 0;

  constructor(private readonly expectedHead?: string) {}

  /** Takes the next line; returns the finding once there is one. */
  accept(line: Line): Finding | undefined {
    if (this.finding) return this.finding;
    this.lines = line.number;
    const finding = this.check(line);
    if (finding) this.finding = { valid: false, line: line.number, ...finding };
    return this.finding;
  }

  /** The verdict once the input has ended. */
  finish(): Verdict {
    if (this.finding) return this.finding;
    if (this.head === undefined) {
      const message = this.lines === 0 ? 'the file is empty' : `the file ends after line ${this.lines} without a trailer: it was cut short`;
      return { valid: false, line: this.lines + 1, problem: 'truncated', message };
    }
    if (this.expectedHead !== undefined && this.head !== this.expectedHead.toLowerCase()) {
      const message = `the chain is intact but its head is ${this.head}, not ${this.expectedHead}: this is not the export whose head was recorded (or all of it was re-hashed)`;
      return { valid: false, line: this.lines, problem: 'head-mismatch', message };
    }
    return { valid: true, records: this.lines, events: this.events, head: this.head, header: this.header! };
  }

  private check(line: Line): Omit<Finding, 'valid' | 'line'> | undefined {
    if (this.head !== undefined) return { problem: 'after-trailer', message: 'there is more after the trailer' };
    if ('unreadable' in line) return { problem: 'unreadable', message: line.unreadable };
    const record = parse(line.text);
    if (!record) return { problem: 'unreadable', message: 'the line is not a JSON object with a hash' };
    const position = typeof record.position === 'number' ? record.position : undefined;
    const at = (problem: Problem, message: string) => ({ problem, message, ...(position === undefined ? {} : { position }) });
    if (!isCanonical(record, line.text)) return at('not-canonical', 'the line is not spelled as it was written (RFC 8785): it was changed');
    const { hash, ...unhashed } = record;
    if (hashOf(unhashed) !== hash) return at('altered', "the record's content does not match its hash: it was changed");
    if (record.prev !== this.prev) {
      const where = line.number === 1 ? 'the chain does not start here' : `it does not follow line ${line.number - 1}`;
      return at('broken-chain', `${where}: a record was deleted, inserted or moved`);
    }
    if (!line.terminated) return at('truncated', 'the file ends inside this line (no newline after it)');
    this.prev = hash as string;
    return this.follows(record, position);
  }

  private follows(record: Record<string, unknown>, position: number | undefined): Omit<Finding, 'valid' | 'line'> | undefined {
    if (!this.header) {
      if (!isHeader(record)) return { problem: 'misplaced', message: `the first record is not the header of a ${EXPORT_FORMAT} v${EXPORT_FORMAT_VERSION} export` };
      this.header = record;
      return undefined;
    }
    if (record.kind === 'event') {
      if (!isEvent(record) || position === undefined) return { problem: 'unreadable', message: 'the event record lacks a field or has one of the wrong type' };
      if (position <= this.lastPosition || position > this.header.throughPosition) {
        const why = position <= this.lastPosition ? `not after position ${this.lastPosition}` : `past the export's throughPosition ${this.header.throughPosition}`;
        return { problem: 'out-of-order', message: `the event is ${why}`, position };
      }
      [this.lastPosition, this.events] = [position, this.events + 1];
      return undefined;
    }
    if (record.kind !== 'trailer') return { problem: 'misplaced', message: `a ${String(record.kind)} record where an event or the trailer belongs` };
    if (record.count !== this.events) return { problem: 'count-mismatch', message: `the trailer counts ${String(record.count)} events, the file holds ${this.events}` };
    this.head = record.hash as string;
    return undefined;
  }
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const isRecord = typeof value === 'object' && value !== null && !Array.isArray(value);
    return isRecord && typeof (value as { hash?: unknown }).hash === 'string' && HEX_HASH.test((value as { hash: string }).hash) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isCanonical(record: unknown, text: string): boolean {
  try {
    return canonicalJson(record) === text;
  } catch {
    return false; // nested too deep to spell again
  }
}

function isHeader(record: Record<string, unknown>): record is HeaderRecord & Record<string, unknown> {
  return (
    record.kind === 'header' &&
    record.format === EXPORT_FORMAT &&
    record.version === EXPORT_FORMAT_VERSION &&
    record.hashAlgorithm === HASH_ALGORITHM &&
    record.canonicalization === CANONICALIZATION &&
    Number.isSafeInteger(record.throughPosition) &&
    typeof record.exportedAt === 'string' &&
    typeof record.scope === 'object' &&
    record.scope !== null
  );
}

function isEvent(record: Record<string, unknown>): boolean {
  const strings = ['streamId', 'eventId', 'type', 'recordedAt'].every((key) => typeof record[key] === 'string');
  return strings && Number.isSafeInteger(record.position) && Number.isSafeInteger(record.revision) && 'data' in record && 'metadata' in record;
}
