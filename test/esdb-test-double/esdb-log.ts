import { randomUUID } from 'node:crypto';

/**
 * The state behind the EventStoreDB test double: streams, one global log and live listeners, all in
 * memory. The rules for expected revisions and idempotent retries follow EventStoreDB's commit check
 * (IndexWriter.CheckCommit); nothing here is EventStoreDB code.
 */
export interface StoredEvent {
  readonly streamName: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends `created`. */
  readonly createdTicks: string;
  /** Commit and prepare position: equal for events of one append, as the server reports them. */
  readonly position: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export type ExpectedState =
  | { readonly kind: 'any' }
  | { readonly kind: 'noStream' }
  | { readonly kind: 'exists' }
  | { readonly kind: 'revision'; readonly revision: number };

export type AppendOutcome =
  /** `position` is where the write began (its first event): only for one event is that the last event's. */
  | { readonly kind: 'success'; readonly revision: number; readonly position: bigint }
  /** `current` is -1 when the stream does not exist. */
  | { readonly kind: 'wrongExpectedVersion'; readonly current: number };

type Listener = (event: StoredEvent) => void;

/** Fixed record overhead, so positions grow like byte offsets in a transaction file: with gaps. */
const RECORD_OVERHEAD = 120n;

export class EsdbLog {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<Listener>();
  private nextPosition = 0n;

  constructor() {
    // A fresh server writes system events first; readers must skip them like on a real node.
    this.appendSystemEvent('$settings', '$settings');
    this.appendSystemEvent('$users', '$UserCreated');
  }

  /** Writes a `$`-typed event to a `$` stream, as the server does for settings, users or stats. */
  appendSystemEvent(streamName: string, type: string): StoredEvent {
    const events = this.streams.get(streamName) ?? [];
    return this.write(streamName, events.length - 1, [
      { id: randomUUID(), type, contentType: 'application/json', data: new TextEncoder().encode('{}'), customMetadata: new Uint8Array() },
    ]).stored[0];
  }

  append(streamName: string, expected: ExpectedState, proposed: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length - 1;
    if (expected.kind === 'any') {
      const first = proposed.length > 0 ? stream.findIndex((e) => e.id === proposed[0].id) : -1;
      return first >= 0 ? this.idempotent(stream, first, proposed) : this.write(streamName, current, proposed).outcome;
    }
    if (expected.kind === 'exists') {
      return current >= 0 ? this.write(streamName, current, proposed).outcome : { kind: 'wrongExpectedVersion', current };
    }
    const expectedRevision = expected.kind === 'noStream' ? -1 : expected.revision;
    if (expectedRevision === current) return this.write(streamName, current, proposed).outcome;
    // A retry of an append that already happened: same ids right after the revision it expected.
    if (expectedRevision < current) return this.idempotent(stream, expectedRevision + 1, proposed);
    return { kind: 'wrongExpectedVersion', current };
  }

  stream(streamName: string): readonly StoredEvent[] | undefined {
    return this.streams.get(streamName);
  }

  /** The global log in commit order. */
  get events(): readonly StoredEvent[] {
    return this.all;
  }

  /** Index of the first event at or after `position` in the global log. */
  indexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.all[middle].position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Calls `listener` for every event appended from now on; returns the way to stop. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private idempotent(stream: readonly StoredEvent[], start: number, proposed: readonly ProposedEvent[]): AppendOutcome {
    const current = stream.length - 1;
    const same = proposed.every((event, i) => stream[start + i]?.id === event.id);
    // Partly matching ids are "corrupted idempotency", which the server answers as a wrong expected version.
    if (!same || proposed.length === 0) return { kind: 'wrongExpectedVersion', current };
    // Like the server: a repeated write answers with its last event's position.
    return { kind: 'success', revision: stream[start + proposed.length - 1].revision, position: stream[start + proposed.length - 1].position };
  }

  private write(streamName: string, current: number, proposed: readonly ProposedEvent[]): { outcome: AppendOutcome; stored: StoredEvent[] } {
    const stream = this.streams.get(streamName) ?? [];
    if (proposed.length > 0) this.streams.set(streamName, stream);
    const createdTicks = (BigInt(Date.now()) * 10_000n).toString();
    const stored = proposed.map((event, i): StoredEvent => {
      const position = this.nextPosition;
      this.nextPosition += RECORD_OVERHEAD + BigInt(event.data.length + event.customMetadata.length + streamName.length);
      return { ...event, streamName, revision: current + 1 + i, createdTicks, position };
    });
    stream.push(...stored);
    this.all.push(...stored);
    for (const event of stored) for (const listener of this.listeners) listener(event);
    // The server acknowledges a write with the commit position of its last event.
    const outcome: AppendOutcome = { kind: 'success', revision: current + stored.length, position: stored[stored.length - 1]?.position ?? this.nextPosition };
    return { outcome, stored };
  }
}
