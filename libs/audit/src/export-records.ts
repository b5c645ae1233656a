/** The records of an event log export: one NDJSON line each, header first, trailer last. */

export const EXPORT_FORMAT = 'traffitech-scim/event-log-export';
export const EXPORT_FORMAT_VERSION = 1;
export const HASH_ALGORITHM = 'sha-256';
export const CANONICALIZATION = 'RFC 8785';
/** The header's `prev`: the chain starts from nothing. */
export const GENESIS = '0'.repeat(64);

/** What an export holds: the whole log, one IdP's own stream and its users' streams, or one user's stream. */
export type ExportScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'identity-provider'; readonly providerId: string }
  | { readonly kind: 'user'; readonly providerId: string; readonly userId: string };

/** Every record is linked: `prev` is the hash of the record before it, `hash` that of this record without `hash`. */
export interface Link {
  readonly prev: string;
  readonly hash: string;
}

export interface HeaderRecord extends Link {
  readonly kind: 'header';
  readonly format: typeof EXPORT_FORMAT;
  readonly version: typeof EXPORT_FORMAT_VERSION;
  readonly scope: ExportScope;
  readonly exportedAt: string;
  /** The log position the export runs to, fixed when it started: later events are not in it. */
  readonly throughPosition: number;
  readonly hashAlgorithm: typeof HASH_ALGORITHM;
  readonly canonicalization: typeof CANONICALIZATION;
}

export interface EventRecord extends Link {
  readonly kind: 'event';
  readonly position: number;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** The last record: how many events came before it; its `prev` is the last event's hash, its `hash` the head of the file. */
export interface TrailerRecord extends Link {
  readonly kind: 'trailer';
  readonly count: number;
}

export type ExportRecord = HeaderRecord | EventRecord | TrailerRecord;

/** An event as the log recorded it (the event store port's RecordedEvent has this shape). */
export interface LoggedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly recordedAt: Date;
}
