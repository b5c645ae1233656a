import type { EventStore } from '@app/event-store/event-store.port';
import { DatabaseUnavailableError } from '@app/platform/database/database-unavailable.error';
import type { Logger } from 'pino';
import { IntegrationMessage, toIntegrationMessage, UserLifecycleEventV1 } from '../contracts/user-lifecycle.v1';
import { overLimit, refusedByBroker, toWithheldNotice, WITHHELD_HEADER } from '../contracts/withheld-notice.v1';
import { IntegrationEventPublisher, MessageRefusedError } from '../publisher.port';
import type { RelayCheckpoint } from './relay-checkpoint';
import { InMemoryRelayDeadLetters, RelayDeadLetters } from './relay-dead-letters';
import { RelayLag } from './relay-lag';

const DATABASE_RETRY_MS = 1000;
const BATCH = 200;
/** Readiness shows lag at most this old. */
const LAG_REFRESH_MS = 100;
const LEASE_RETRY_MS = 5_000;
const TIME_UP = 'time up';
/** The reason a dead letter gives when the relay's own size check refused even the notice. */
const OWN_LIMIT = 'KAFKA_MAX_MESSAGE_BYTES';

export interface RelayStatus {
  readonly checkpoint: number;
  /** User events in the log not yet acknowledged by the broker (counted up to 10,000 ahead), as of at most 100 ms ago. */
  readonly lagEvents: number;
  /** Age of the oldest unpublished event, now. */
  readonly lagSeconds: number;
  readonly lastError?: string;
  readonly published: number;
  /** Events published as a withheld notice since start (too large, or refused by the broker): alert on any. */
  readonly withheld: number;
  /** Events recorded as dead letters, all time (not even their notice was accepted): alert on any. */
  readonly deadLetters: number;
}

export interface RelayOptions {
  readonly idleMs?: number;
  readonly maxBackoffMs?: number;
  /** Where events go that cannot be published even as a notice; in memory by default (replays). */
  readonly deadLetters?: RelayDeadLetters;
}

/**
 * Sends every event of the global log, in log order, to the publisher, and moves its checkpoint
 * only after the broker acknowledged (at-least-once: a crash between ack and checkpoint resends,
 * consumers dedupe by ce_id). A broker outage never touches SCIM writes: the relay backs off,
 * reports its lag, and catches up when the broker is back. An event the broker can never take
 * (too large, invalid) goes out as a withheld notice in its place, or as a dead letter when even
 * that is refused, so that it never stalls the others.
 */
export class IntegrationEventRelay {
  private running = false;
  private holding = false;
  private loop?: Promise<void>;
  /** Ends the current sleep early: `notify` only ends an idle one, `stop` any. */
  private wake?: { readonly idle: boolean; readonly now: () => void };
  private readonly lag: RelayLag;
  private lagTimer?: NodeJS.Timeout;
  private refreshingLag?: Promise<void>;
  private readonly deadLetters: RelayDeadLetters;
  private deadLetterCount?: number;
  private counts = { published: 0, withheld: 0 };
  private lastError?: string;

  constructor(
    private readonly events: EventStore,
    private readonly publisher: IntegrationEventPublisher,
    private readonly checkpoint: RelayCheckpoint,
    private readonly logger: Logger,
    private readonly options: RelayOptions = {},
  ) {
    this.lag = new RelayLag(events);
    this.deadLetters = options.deadLetters ?? new InMemoryRelayDeadLetters();
  }

  /** Figures for readiness, taken now: lag read from the log at most 100 ms ago, its age computed on the spot. */
  get current(): RelayStatus {
    return {
      checkpoint: this.lag.checkpoint,
      lagEvents: this.lag.events,
      lagSeconds: this.lag.seconds(),
      published: this.counts.published,
      withheld: this.counts.withheld,
      deadLetters: this.deadLetterCount ?? 0,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    this.lagTimer = setInterval(() => this.refreshLag(), LAG_REFRESH_MS).unref();
    this.refreshLag();
  }

  /**
   * Stops publishing. With `flushWithinMs` (a SIGTERM), it first publishes what the log holds
   * beyond the checkpoint, so a process's last writes leave with it rather than at the next start;
   * the whole stop, a send already in flight included, takes at most that long (a frozen broker
   * must not hold a shutdown). Whatever is left then is published by the next lease-holder.
   */
  async stop(options: { readonly flushWithinMs?: number } = {}): Promise<void> {
    this.running = false;
    clearInterval(this.lagTimer);
    this.wake?.now();
    const deadline = options.flushWithinMs === undefined ? undefined : Date.now() + options.flushWithinMs;
    let loopEnded = true;
    if (deadline === undefined) await this.loop;
    else loopEnded = (await within(this.loop, deadline - Date.now())) !== TIME_UP;
    if (!loopEnded) this.logger.warn({ withinMs: options.flushWithinMs }, 'a send to Kafka did not end in time; stopping without it');
    await this.refreshingLag;
    const flushed = deadline === undefined || !this.holding ? loopEnded : loopEnded && (await this.flush(deadline - Date.now()));
    await this.publisher.close();
    // Handing the lease over spares the next process its 30 s. After a send or a flush cut short,
    // a send may still be on its way, so then the lease runs out instead: never two publishers at once.
    if (this.holding && flushed) await this.checkpoint.release().catch(() => undefined);
  }

  /** New events were just appended in this process: an idle relay starts now (a backing-off one does not). */
  notify(): void {
    if (this.wake?.idle) this.wake.now();
  }

  /** True when everything was published in time. */
  private async flush(withinMs: number): Promise<boolean> {
    let stopFlushing = false;
    const publishRest = async () => {
      let position = await this.checkpoint.load();
      while (!stopFlushing) {
        const next = await this.publishBatch(position);
        if (next === position) return 'flushed' as const;
        position = next;
      }
      return TIME_UP;
    };
    try {
      const outcome = await within(publishRest(), withinMs);
      const { lagEvents } = this.current;
      if (outcome === TIME_UP) this.logger.warn({ lagEvents, withinMs }, 'stopping before every event was published; the next start publishes the rest');
      else this.logger.info({ checkpoint: this.lag.checkpoint }, 'published every event before stopping');
      return outcome === 'flushed';
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'publishing before stopping failed; the next start publishes the rest');
      return false;
    } finally {
      stopFlushing = true;
    }
  }

  /** Publishes until the log is exhausted once; for replays. Throws on the first failure. */
  async drain(): Promise<number> {
    await this.publisher.prepare();
    let position = await this.checkpoint.load();
    for (;;) {
      const next = await this.publishBatch(position);
      if (next === position) return position;
      position = next;
    }
  }

  private async run(): Promise<void> {
    let position = 0;
    let failures = 0;
    let prepared = false;
    this.holding = false;
    while (this.running) {
      try {
        if (!(await this.checkpoint.acquire())) {
          this.holding = false;
          await this.sleep(LEASE_RETRY_MS, false);
          continue;
        }
        // On taking the lease, start from the stored checkpoint: another process may have published.
        if (!this.holding) position = await this.checkpoint.load();
        this.holding = true;
        if (!prepared) await this.publisher.prepare();
        prepared = true;
        const next = await this.publishBatch(position);
        failures = 0;
        if (next === position) await this.sleep(this.options.idleMs ?? 100, true);
        position = next;
      } catch (error) {
        this.holding = false;
        // The database's circuit breaker makes its failures cheap: retry soon, so publishing resumes
        // about a second after it is back; only broker failures back off exponentially.
        const databaseDown = error instanceof DatabaseUnavailableError;
        if (!databaseDown) {
          prepared = false;
          failures += 1;
        }
        const backoff = databaseDown ? DATABASE_RETRY_MS : Math.min(this.options.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(failures, 10));
        this.lastError = (error as Error).message;
        const { lagEvents, lagSeconds } = this.current;
        this.logger.warn(
          { err: { message: this.lastError }, checkpoint: position, lagEvents, lagSeconds, retryInMs: backoff },
          'publishing to Kafka failed; retrying',
        );
        await this.sleep(backoff, false);
      }
    }
  }

  /** One batch from `position`; returns the new checkpoint (unchanged when the log has nothing new). */
  private async publishBatch(position: number): Promise<number> {
    const batch = await this.events.readAll(position, BATCH);
    if (batch.length === 0) return position;
    const messages: IntegrationMessage[] = [];
    for (const event of batch) {
      const message = toIntegrationMessage(event);
      const sendable = message && (await this.withinLimit(message));
      if (sendable) messages.push(sendable);
    }
    // The lease must outlive the send, so that no second process can start publishing meanwhile.
    await this.checkpoint.renew();
    try {
      await this.publisher.publish(messages);
      this.acknowledged(messages);
    } catch (error) {
      if (!(error instanceof MessageRefusedError)) throw error;
      // Find which messages the broker refuses by sending the rest one at a time; only those are replaced.
      this.acknowledged(messages.slice(0, error.acknowledged));
      for (const message of messages.slice(error.acknowledged)) await this.publishAlone(message);
    }
    const next = batch[batch.length - 1].position;
    await this.checkpoint.save(next);
    this.lag.acknowledged(next);
    this.lastError = undefined;
    return next;
  }

  /** The message if it fits the publisher's limit, else its notice, else nothing (recorded as a dead letter). */
  private async withinLimit(message: IntegrationMessage): Promise<IntegrationMessage | undefined> {
    const bytes = this.publisher.sizeOf(message);
    const limit = this.publisher.maxMessageBytes;
    if (bytes <= limit) return message;
    const notice = toWithheldNotice(message, overLimit(message.event, bytes, limit));
    if (this.publisher.sizeOf(notice) <= limit) return notice;
    await this.deadLetter(message, OWN_LIMIT, bytes);
    return undefined;
  }

  /**
   * Sends one message; if the broker refuses it for good, its notice instead. Only a notice accepted
   * right after proves the refusal was about that message; if the notice is refused for its own
   * records too, the event becomes a dead letter; any other failure is thrown, to be retried.
   */
  private async publishAlone(message: IntegrationMessage): Promise<void> {
    await this.checkpoint.renew();
    let refusal = await this.attempt(message);
    if (refusal && !(WITHHELD_HEADER in message.headers)) {
      const notice = toWithheldNotice(message, refusedByBroker(message.event, this.publisher.sizeOf(message), refusal.brokerError));
      refusal = await this.attempt(notice);
      if (!refusal) this.acknowledged([notice]);
    } else if (!refusal) {
      this.acknowledged([message]);
    }
    if (refusal && !refusal.aboutTheRecords) throw refusal;
    if (refusal) await this.deadLetter(message, refusal.brokerError, this.publisher.sizeOf(message));
    // Progress is kept message by message, so that a failure further on resends none of these.
    await this.checkpoint.save(message.position);
    this.lag.acknowledged(message.position);
  }

  /** Undefined when the broker acknowledged, its refusal when it refused for good; other failures throw. */
  private async attempt(message: IntegrationMessage): Promise<MessageRefusedError | undefined> {
    try {
      await this.publisher.publish([message]);
      return undefined;
    } catch (error) {
      if (error instanceof MessageRefusedError) return error;
      throw error;
    }
  }

  /** Counts what the broker acknowledged, and raises the alert for each withheld notice among it. */
  private acknowledged(messages: readonly IntegrationMessage[]): void {
    this.counts.published += messages.length;
    for (const message of messages) {
      if (!(WITHHELD_HEADER in message.headers)) continue;
      this.counts.withheld += 1;
      const { withheld } = JSON.parse(message.value) as UserLifecycleEventV1;
      this.logger.error(
        { alert: 'kafka-event-withheld', ...this.describe(message), reason: withheld?.reason, brokerError: withheld?.brokerError, bytes: withheld?.bytes, limit: withheld?.limit },
        'an event Kafka cannot take was published as a withheld notice in its place',
      );
    }
  }

  private async deadLetter(message: IntegrationMessage, reason: string, bytes: number): Promise<void> {
    await this.deadLetters.record({ logPosition: message.position, eventId: message.headers.ce_id, eventType: message.headers.ce_type, key: message.key, reason, bytes });
    this.deadLetterCount = await this.deadLetters.count();
    this.logger.error(
      { alert: 'kafka-event-dead-lettered', ...this.describe(message), reason, bytes },
      'Kafka refused an event and its withheld notice; recorded as a dead letter',
    );
  }

  /** Ids only: never a user's values. */
  private describe(message: IntegrationMessage) {
    const { providerId, userId, revision, logPosition } = message.event;
    return { eventId: message.headers.ce_id, eventType: message.headers.ce_type, providerId, userId, revision, logPosition };
  }

  /** Reads what was appended since the last look; a relay without the lease follows the stored checkpoint and dead letters. */
  private refreshLag(): void {
    if (this.refreshingLag) return;
    this.refreshingLag = (async () => {
      this.deadLetterCount ??= await this.deadLetters.count().catch(() => undefined);
      if (!this.holding) this.lag.acknowledged(await this.checkpoint.load());
      await this.lag.refresh();
    })()
      // The log is unreachable too: the last figures stand, and the relay reports the error.
      .catch(() => undefined)
      .finally(() => (this.refreshingLag = undefined));
  }

  private sleep(ms: number, idle: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = {
        idle,
        now: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }
}

/**
 * The promise's outcome, or TIME_UP once `ms` have passed. A late failure is expected then (the
 * publisher closes under it), not unhandled.
 */
async function within<T>(promise: Promise<T> | undefined, ms: number): Promise<T | undefined | typeof TIME_UP> {
  promise?.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<typeof TIME_UP>((resolve) => (timer = setTimeout(() => resolve(TIME_UP), Math.max(0, ms))));
  try {
    return await Promise.race([promise, timeUp]);
  } finally {
    clearTimeout(timer);
  }
}
