import type { EventStore } from '@app/event-store/event-store.port';
import type { Logger } from 'pino';
import { toIntegrationMessage } from '../contracts/user-lifecycle.v1';
import type { IntegrationEventPublisher } from '../publisher.port';
import type { RelayCheckpoint } from './relay-checkpoint';

const BATCH = 200;
/** How far ahead the relay looks to report its lag in events. */
const LAG_WINDOW = 10_000;
const LAG_EVERY_MS = 5_000;
const LEASE_RETRY_MS = 5_000;

export interface RelayStatus {
  readonly checkpoint: number;
  /** User events in the log not yet acknowledged by the broker (counted up to 10,000 log entries ahead). */
  readonly lagEvents: number;
  /** Age of the oldest unpublished event. */
  readonly lagSeconds: number;
  readonly lastError?: string;
  readonly published: number;
}

export interface RelayOptions {
  readonly idleMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * Sends every event of the global log, in log order, to the publisher, and moves its checkpoint
 * only after the broker acknowledged (at-least-once: a crash between ack and checkpoint resends,
 * consumers dedupe by ce_id). A broker outage never touches SCIM writes: the relay backs off,
 * reports its lag, and catches up when the broker is back.
 */
export class IntegrationEventRelay {
  private running = false;
  private loop?: Promise<void>;
  /** Ends the current sleep early: `notify` only ends an idle one, `stop` any. */
  private wake?: { readonly idle: boolean; readonly now: () => void };
  private lagMeasuredAt = 0;
  private status: RelayStatus = { checkpoint: 0, lagEvents: 0, lagSeconds: 0, published: 0 };

  constructor(
    private readonly events: EventStore,
    private readonly publisher: IntegrationEventPublisher,
    private readonly checkpoint: RelayCheckpoint,
    private readonly logger: Logger,
    private readonly options: RelayOptions = {},
  ) {}

  get current(): RelayStatus {
    return this.status;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.now();
    await this.loop;
    await this.publisher.close();
  }

  /** New events were just appended in this process: an idle relay starts now (a backing-off one does not). */
  notify(): void {
    if (this.wake?.idle) this.wake.now();
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
    let holding = false;
    while (this.running) {
      try {
        if (!(await this.checkpoint.acquire())) {
          holding = false;
          await this.sleep(LEASE_RETRY_MS, false);
          continue;
        }
        // On taking the lease, start from the stored checkpoint: another process may have published.
        if (!holding) position = await this.checkpoint.load();
        holding = true;
        if (!prepared) await this.publisher.prepare();
        prepared = true;
        const next = await this.publishBatch(position);
        failures = 0;
        await this.measureLag(next);
        if (next === position) await this.sleep(this.options.idleMs ?? 100, true);
        position = next;
      } catch (error) {
        prepared = false;
        holding = false;
        failures += 1;
        const backoff = Math.min(this.options.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(failures, 10));
        this.status = { ...this.status, lastError: (error as Error).message };
        await this.measureLag(position, true);
        this.logger.warn(
          { err: { message: (error as Error).message }, checkpoint: position, lagEvents: this.status.lagEvents, lagSeconds: this.status.lagSeconds, retryInMs: backoff },
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
    const messages = batch.flatMap((event) => toIntegrationMessage(event) ?? []);
    // The lease must outlive the send, so that no second process can start publishing meanwhile.
    await this.checkpoint.renew();
    await this.publisher.publish(messages);
    const next = batch[batch.length - 1].position;
    await this.checkpoint.save(next);
    this.status = { ...this.status, checkpoint: next, published: this.status.published + messages.length, lastError: undefined };
    return next;
  }

  /** Lag in user events and seconds, measured every few seconds (and at once after a failure). */
  private async measureLag(position: number, now = false): Promise<void> {
    if (!now && Date.now() - this.lagMeasuredAt < LAG_EVERY_MS) return;
    this.lagMeasuredAt = Date.now();
    try {
      const pending = (await this.events.readAll(position, LAG_WINDOW)).filter((e) => toIntegrationMessage(e) !== undefined);
      const oldest = pending[0]?.recordedAt;
      this.status = {
        ...this.status,
        checkpoint: position,
        lagEvents: pending.length,
        lagSeconds: oldest ? Math.round((Date.now() - oldest.getTime()) / 1000) : 0,
      };
    } catch {
      // The log is unreachable too: the last figures stand, the error is already reported.
    }
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
