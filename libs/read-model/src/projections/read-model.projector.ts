import type { EventStore, RecordedEvent } from '@app/event-store/event-store.port';
import { DatabaseUnavailableError } from '@app/platform/database/database-unavailable.error';
import type { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { ScimError } from '@app/scim/errors/scim-error';
import type { Logger } from 'pino';
import { describeProjectionError } from './projection-error';
import {
  failureBehind,
  heldEvent,
  ProjectionFailureReport,
  QuarantinedEvent,
  quarantinedAmong,
  recordQuarantined,
  reportFailures,
} from './projection-failures';
import { createCheckpoint, lockCheckpoint, moveCheckpoint, readCheckpoint } from './read-model.checkpoint';
import { projectIsolated } from './project-isolated';
import { lockProjectedStreams, markProjected } from './projected-streams';
import { isProjected, projectEvent } from './read-model.projection';

const BATCH = 500;
// A quarantined user stays so until an operator re-projects it: minutes at best.
const QUARANTINE_RETRY_AFTER_SECONDS = 300;
const LAGGING_RETRY_AFTER_SECONDS = 5;

/** What readiness reports about the read model. */
export interface ProjectionReadiness {
  /** `degraded` while events are quarantined: SCIM still serves every other user. */
  readonly status: 'ok' | 'degraded';
  readonly projectedPosition: number;
  readonly projectionFailures: ProjectionFailureReport;
}

interface BatchOutcome {
  readonly position: number;
  /** Events this batch set aside for the first time (to log once the batch is committed). */
  readonly quarantined: readonly QuarantinedEvent[];
}

/**
 * Builds the read model from the global log. The checkpoint moves in the same transaction as the
 * rows it covers (exactly-once effect), under a row lock, so any number of processes may run it.
 * An event that fails for good (a data or limit error) is quarantined with the rest of its stream;
 * every other stream keeps projecting. Any other failure fails the batch, which is tried again.
 */
export class ReadModelProjector {
  private projected = 0;
  private running: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The failure the polling loop last logged, so an outage is logged once rather than every poll. */
  private failing: string | undefined;
  /** Told of every batch committed: how many events it took through and how long it took (metrics). */
  onBatch: (events: number, seconds: number) => void = () => undefined;

  constructor(
    private readonly db: SqlDatabase,
    private readonly events: EventStore,
    private readonly logger: Logger,
  ) {}

  async init(): Promise<void> {
    await createCheckpoint(this.db);
  }

  /** Projects everything in the log now; concurrent callers in this process share one run. */
  catchUp(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Read-your-writes: resolves once the event at `position` is in the read model. The event is
   * stored already, so every way this can fail is a 503 ScimError that says so: the read model did
   * not reach it in time, projecting failed (the database went away), or the event is quarantined.
   */
  async waitFor(position: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const stored = `The change is stored (log position ${position})`;
    let failure: number | undefined;
    try {
      while (this.projected < position) {
        if (Date.now() > deadline) {
          const detail = `${stored}, but the read model did not reach it within ${timeoutMs} ms; read it again shortly`;
          throw ScimError.serviceUnavailable(detail, LAGGING_RETRY_AFTER_SECONDS);
        }
        await (this.running ?? this.catchUp());
      }
      failure = await failureBehind(this.db, position);
    } catch (error) {
      if (error instanceof ScimError) throw error;
      const retryAfter = error instanceof DatabaseUnavailableError ? error.retryAfterSeconds : LAGGING_RETRY_AFTER_SECONDS;
      throw ScimError.serviceUnavailable(`${stored}, but the read model could not be brought up to date; read it again shortly`, retryAfter);
    }
    if (failure !== undefined) {
      throw ScimError.serviceUnavailable(
        `${stored}, but this resource cannot be shown: its history failed to project at log position ${failure} ` +
          'and is quarantined until an operator re-projects it',
        QUARANTINE_RETRY_AFTER_SECONDS,
      );
    }
  }

  /** Where the catch-up projector stands (every process's, from the database), without projecting anything first: what a lag is measured from. */
  checkpoint(): Promise<number> {
    return readCheckpoint(this.db);
  }

  /** The quarantine in numbers (read from the database, so it covers every process); metrics read it too. */
  failureReport(): Promise<ProjectionFailureReport> {
    return reportFailures(this.db);
  }

  /**
   * Catches up, then reports. A quarantine leaves the service ready: every other user is served,
   * and since all instances share one read model, failing readiness would take all of SCIM down
   * for one user's event. It shows as `degraded` with the failures listed instead.
   */
  async readiness(): Promise<ProjectionReadiness> {
    const projectedPosition = await this.catchUp();
    const projectionFailures = await this.failureReport();
    return { status: projectionFailures.quarantinedStreams > 0 ? 'degraded' : 'ok', projectedPosition, projectionFailures };
  }

  /** Polls for events written by other processes (the CLI, other API instances). */
  start(intervalMs = 500): void {
    this.timer = setInterval(() => {
      this.catchUp().then(
        () => this.noteRecovered(),
        (error: unknown) => this.noteFailing(error),
      );
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async drain(): Promise<number> {
    for (;;) {
      // Read outside the transaction: embedded PGlite has one connection, held by an open transaction.
      const batch = await this.events.readAll(this.projected, BATCH);
      if (batch.length === 0) {
        const position = await readCheckpoint(this.db);
        if (position <= this.projected) return this.projected;
        this.projected = position;
        continue;
      }
      const started = performance.now();
      const outcome = await this.applyBatch(batch);
      this.onBatch(batch.length, (performance.now() - started) / 1000);
      this.projected = outcome.position;
      outcome.quarantined.forEach((event) => this.logQuarantined(event));
      // Caught up with what the log held when read. Going round again for what came meanwhile kept
      // a run going for as long as writes came, a transaction each (on PGlite's one thread) to move the
      // checkpoint past rows the writes had built inline; the next run (poll, readiness, waitFor) takes it.
      if (batch.length < BATCH) return this.projected;
    }
  }

  /** The whole batch at once; only when an event fails for good, again with a savepoint per event. */
  private async applyBatch(batch: readonly RecordedEvent[]): Promise<BatchOutcome> {
    try {
      return await this.db.transaction((tx) => this.apply(tx, batch, false));
    } catch (error) {
      if (!describeProjectionError(error).permanent) throw error;
    }
    return this.db.transaction((tx) => this.apply(tx, batch, true));
  }

  private async apply(tx: SqlExecutor, batch: readonly RecordedEvent[], isolate: boolean): Promise<BatchOutcome> {
    const checkpoint = await lockCheckpoint(tx);
    const pending = batch.filter((event) => event.position > checkpoint && isProjected(event));
    const failures = await quarantinedAmong(tx, [...new Set(pending.map((event) => event.streamId))]);
    const quarantined: QuarantinedEvent[] = [];
    const quarantine = async (event: QuarantinedEvent) => {
      if (await recordQuarantined(tx, event)) quarantined.push(event);
    };
    // Rows a write built in its own transaction (inline projection) are at or past its events: those are done.
    const built = await lockProjectedStreams(tx, pending.map((event) => event.streamId));
    const advanced = new Set<string>();
    for (const event of pending) {
      // A stream's row is never built from part of its history: later events wait behind a failure.
      const failure = failures.get(event.streamId);
      if (failure !== undefined) await quarantine(heldEvent(event, failure));
      else if (event.revision <= (built.get(event.streamId) ?? -1)) continue;
      else if (isolate && !(await projectIsolated(tx, event, quarantine))) failures.set(event.streamId, event.position);
      else {
        if (!isolate) await projectEvent(tx, event);
        built.set(event.streamId, event.revision);
        advanced.add(event.streamId);
      }
    }
    for (const streamId of advanced) await markProjected(tx, streamId, built.get(streamId) ?? -1);
    const position = Math.max(checkpoint, batch[batch.length - 1].position);
    await moveCheckpoint(tx, position);
    return { position, quarantined };
  }

  private logQuarantined(event: QuarantinedEvent): void {
    const { position, streamId, eventType, heldBehind, errorClass, errorCode } = event;
    if (heldBehind === undefined) {
      this.logger.error({ position, streamId, eventType, errorClass, errorCode }, 'event failed to project; its stream is quarantined');
    } else {
      this.logger.warn({ position, streamId, eventType, heldBehind }, 'event held behind a quarantined projection failure');
    }
  }

  private noteFailing(error: unknown): void {
    const { errorClass, errorCode } = describeProjectionError(error);
    const failing = `${errorClass}:${errorCode ?? ''}`;
    if (failing === this.failing) return;
    this.failing = failing;
    // Class and code only: a driver error's message and fields may quote the statement's values.
    this.logger.error({ errorClass, errorCode, position: this.projected }, 'read-model projection failed; retrying');
  }

  private noteRecovered(): void {
    if (this.failing === undefined) return;
    this.failing = undefined;
    this.logger.info({ position: this.projected }, 'read-model projection recovered');
  }
}
