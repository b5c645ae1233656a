import {
  ANY,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  BACKWARDS,
  CancelledError,
  convertToCommandError,
  END,
  EventStoreDBClient,
  NO_STREAM,
  type Position,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { setTimeout as delay } from 'node:timers/promises';
import { ConcurrencyError } from '../concurrency.error';
import type { AppendResult, CatchUpOptions, EventHandler, EventStore, ExpectedRevision, NewEvent, RecordedEvent, Unsubscribe } from '../event-store.port';
import { isSystemEvent, toEsdbPosition, toEventData, toPortPosition, toRecorded } from './esdb-events';
import { subscribeToAll } from './esdb-subscription';

/** Events read per page while looking back from the end of $all past system events. */
const HEAD_SCAN = 32;

export interface EsdbEventStoreOptions {
  /**
   * Tries per operation when the connection dropped (the client reconnects on the next call).
   * Appends with `noStream` or an exact revision are safe to repeat: the server answers a repeated append
   * of the same event ids with the first outcome (the app never appends with `any`).
   * @default 4
   */
  readonly attempts?: number;
  /** Wait before the first retry, doubled before each further one. @default 100 */
  readonly retryDelayMs?: number;
}

/**
 * The event log in EventStoreDB (20.x to 24.x, as @eventstore/db-client 6 supports), through its gRPC
 * client. Events are JSON; the port's metadata travels as the event's custom metadata. Positions are
 * commit positions, so they increase but have gaps, which the port allows.
 */
export class EsdbEventStore implements EventStore {
  private readonly attempts: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EsdbEventStoreOptions = {},
  ) {
    this.attempts = options.attempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 100;
  }

  /** @param connectionString e.g. `esdb://localhost:2113?tls=false` */
  static fromConnectionString(connectionString: string, options?: EsdbEventStoreOptions): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const appended = await this.withRetry(() =>
      this.client.appendToStream(streamId, events.map(toEventData), { expectedRevision: toExpectedRevision(expected) }),
    ).catch((error: unknown) => {
      throw error instanceof WrongExpectedVersionError ? toConcurrencyError(streamId, expected, error) : error;
    });
    return { revision: Number(appended.nextExpectedRevision), position: await this.positionOfLast(streamId, appended) };
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    try {
      const resolved = await this.collect(() => this.client.readStream(streamId));
      return resolved.flatMap(({ event }) => (event ? [toRecorded(event)] : []));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async readAll(afterPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    let after = afterPosition;
    let cursor = toEsdbPosition(afterPosition);
    while (found.length < maxCount) {
      // A read of $all includes the event at its position, and system events the port never shows.
      const page = await this.collect(() => this.client.readAll({ fromPosition: cursor, maxCount: maxCount + 1 }));
      for (const { event } of page) {
        if (!event || toPortPosition(event.position) <= after || isSystemEvent(event)) continue;
        found.push(toRecorded(event));
        if (found.length === maxCount) return found;
      }
      const last = page[page.length - 1]?.event;
      if (page.length <= maxCount || !last) return found;
      cursor = last.position;
      after = toPortPosition(last.position);
    }
    return found;
  }

  /** Backwards from the end of $all to the newest event that is not a system event. */
  async headPosition(): Promise<number> {
    let from: Position | typeof END = END;
    for (;;) {
      const page: AllStreamResolvedEvent[] = await this.collect(() => this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_SCAN }));
      const newest = page.find(({ event }) => event && !isSystemEvent(event))?.event;
      if (newest) return toPortPosition(newest.position);
      const oldest = page[page.length - 1]?.event;
      if (page.length < HEAD_SCAN || !oldest) return 0;
      from = oldest.position;
    }
  }

  /**
   * Catch-up subscription to the global log: events after `fromPosition` (0 = from the start), then
   * live ones, resumed after reconnects. System events are left out.
   */
  subscribeToAll(fromPosition: number, onEvent: EventHandler, options?: CatchUpOptions): Unsubscribe {
    return subscribeToAll(this.client, fromPosition, onEvent, options);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  // The server acknowledges a write with its last event's commit position, which is where that event
  // appears in $all. Only an answer without one (not seen from 20.x-24.x) costs a read-back.
  private async positionOfLast(streamId: string, appended: EsdbAppendResult): Promise<number> {
    if (appended.position && appended.position.commit > 0n) return toPortPosition(appended.position);
    const [last] = await this.collect(() => this.client.readStream(streamId, { fromRevision: appended.nextExpectedRevision, maxCount: 1 }));
    const commit = last?.event?.position?.commit;
    if (!commit) throw new Error(`EventStoreDB gave no log position for the append to ${streamId}`);
    return Number(commit);
  }

  private collect<E>(open: () => AsyncIterable<E>): Promise<E[]> {
    return this.withRetry(async () => {
      const items: E[] = [];
      for await (const item of open()) items.push(item);
      return items;
    });
  }

  private async withRetry<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (attempt >= this.attempts || !connectionLost(error)) throw error;
        await delay(this.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}

/**
 * The errors after which the client drops its channel and connects afresh on the next call. The
 * client's server-features probe (before a first append) lets them through unconverted, hence the conversion.
 */
function connectionLost(error: unknown): boolean {
  const converted = error instanceof Error ? convertToCommandError(error) : error;
  return converted instanceof UnavailableError || converted instanceof CancelledError;
}

function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'noStream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

function toConcurrencyError(streamId: string, expected: ExpectedRevision, error: WrongExpectedVersionError): ConcurrencyError {
  const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : 'noStream';
  return new ConcurrencyError(streamId, expected, actual);
}
