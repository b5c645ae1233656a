/** Who caused an event and why: provenance for auditors, never read by evolve. */
export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor?: { readonly kind: 'idp-token' | 'admin' | 'system'; readonly providerId?: string; readonly tokenId?: string; readonly name?: string };
  readonly clientAddress?: string;
  readonly occurredAt: string;
  /** The SCIM request that caused the event (method, path, body), as received. */
  readonly scimOperation?: { readonly method: string; readonly path: string; readonly body?: unknown };
  readonly droppedAttributes?: readonly string[];
}

export interface NewEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  /** 0-based position of the event in its stream. */
  readonly revision: number;
  /** 1-based position in the global log, increasing in commit order. */
  readonly position: number;
  readonly recordedAt: Date;
}

/** Handles one event; the next one is delivered only after it settles. */
export type EventHandler = (event: RecordedEvent) => Promise<void> | void;

/** Stops a subscription; resolves once the handler is no longer running. */
export type Unsubscribe = () => Promise<void>;

export interface CatchUpOptions {
  /** Wait before resuming after a failure. @default 250 */
  readonly retryDelayMs?: number;
  /** Told about each failure (lost connection or a throwing handler) before the subscription resumes. */
  readonly onDrop?: (error: unknown) => void;
}

/** `noStream`: the stream must not exist; a number: its last revision must be exactly that; `any`: no check. */
export type ExpectedRevision = 'noStream' | 'any' | number;

export interface AppendResult {
  /** Revision of the last appended event. */
  readonly revision: number;
  /** Global position of the last appended event. */
  readonly position: number;
}

/**
 * The event log: streams with optimistic concurrency and one global order. Adapters: PostgreSQL
 * (server or embedded PGlite); EventStoreDB later, behind this same port.
 */
export interface EventStore {
  /**
   * Appends atomically; throws ConcurrencyError when the stream is not at `expected`. Re-appending the
   * same event ids with the same `noStream` or exact revision is a no-op answered with the first outcome
   * (with `any`, EventStoreDB only remembers recent ids, so that is not promised).
   */
  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** The whole stream in order; empty when it does not exist. */
  readStream(streamId: string): Promise<RecordedEvent[]>;
  /** Up to `maxCount` events of the global log after `afterPosition` (0 = from the start). */
  readAll(afterPosition: number, maxCount: number): Promise<RecordedEvent[]>;
  /** The position of the newest event readAll can show now (0 for an empty log): where a reader that wants "everything so far" stops. */
  headPosition(): Promise<number>;
  /**
   * Catch-up subscription: every event after `fromPosition`, then live ones, in order, one at a time.
   * After a failure it resumes after the last event the handler finished (a failed one comes again).
   */
  subscribeToAll(fromPosition: number, onEvent: EventHandler, options?: CatchUpOptions): Unsubscribe;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
