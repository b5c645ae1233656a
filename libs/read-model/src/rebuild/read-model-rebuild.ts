import type { EventStore, RecordedEvent } from '@app/event-store/event-store.port';
import type { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { runProcedure } from '@app/platform/database/sql-procedure';
import { setTimeout as sleep } from 'node:timers/promises';
import { lockCheckpoint, readCheckpoint } from '../projections/read-model.checkpoint';
import { Comparison, compareReadModels, promoteRebuilt, tablePairs } from './read-model-comparison';
import { projectIntoSchema, projectRebuildBatch } from './project-into-schema';
import { createRebuildSchema, liveSchema, quoteIdentifier, REBUILD_SCHEMA } from './rebuild-schema';
import { RebuildProgress } from './rebuild-progress';
import { visibleEventsAfter } from './visible-events';

export interface RebuildOptions {
  /** Compare the rebuilt model with the live one and report the differences. */
  readonly verify: boolean;
  /** Make the live model equal to the rebuilt one (compares too). */
  readonly promote: boolean;
}

export interface RebuildReport {
  /** The log position both models were compared (and promoted) at; where the rebuilt model stands. */
  readonly position: number;
  readonly eventsReplayed: number;
  /** Events that failed to project into the rebuilt model (their streams stop there, as the live projector's quarantine does). */
  readonly failedStreams: number;
  readonly comparison?: Comparison;
  readonly promoted: boolean;
}

/**
 * How the live model is held at one log position while it is compared: `snapshot` for the SQL logs
 * (writes project inline, so one REPEATABLE READ snapshot holds the log and the live model in step),
 * `checkpoint` for EventStoreDB (the live model is what its projector covered; its checkpoint row is
 * locked, so it waits meanwhile).
 */
export type Consistency = 'snapshot' | 'checkpoint';

const BATCH = 250;
// Differences listed in a report (all are counted): enough to act on, bounded for the job's row.
const SHOWN_DIFFERENCES = 1000;
// The comparison reads every row of the read model twice; a write's statement limit is far too short.
const SETTLE_TIMEOUT_MS = 10 * 60 * 1000;
// Writes that raced the promotion (REPEATABLE READ conflicts) send it round again, with a fresh snapshot.
const SETTLE_ATTEMPTS = 5;
const RETRIABLE = new Set(['40001', '40P01']);
// Between batches the rebuild sleeps about as long as the batch took (at most this): PGlite has one
// connection and one thread, so SCIM requests queued meanwhile run before the next batch.
const MAX_YIELD_MS = 100;

/**
 * Replays the whole log through the live projection code into a fresh read model in its own schema
 * (short batches, yielding between them), then, to verify or promote, brings it to one position the
 * live model is held at, compares them row by row, and makes the live rows equal to the rebuilt ones.
 */
export class ReadModelRebuild {
  constructor(
    private readonly db: SqlDatabase,
    private readonly events: EventStore,
    private readonly consistency: Consistency,
    private readonly schema = REBUILD_SCHEMA,
  ) {}

  async run(options: RebuildOptions, onProgress: (progress: RebuildProgress) => Promise<void>): Promise<RebuildReport> {
    const live = await liveSchema(this.db);
    await createRebuildSchema(this.db, this.schema);
    const headPosition = await this.headPosition(live);
    const firstPosition = (await this.events.readAll(0, 1))[0]?.position ?? 0;
    let progress: RebuildProgress = { phase: 'replaying', eventsReplayed: 0, position: 0, firstPosition, headPosition };
    await onProgress(progress);
    const failed: string[] = [];
    for (;;) {
      const read = await this.events.readAll(progress.position, BATCH);
      // Up to the head at the start only (the tail is the settling transaction's): on EventStoreDB the live model may not be further yet.
      const batch = read.filter((event) => event.position <= headPosition);
      if (batch.length === 0) break;
      const startedAt = Date.now();
      failed.push(...(await runProcedure(this.db, projectRebuildBatch, { schema: this.schema, events: batch, failedStreams: failed })));
      progress = { ...progress, eventsReplayed: progress.eventsReplayed + batch.length, position: batch[batch.length - 1].position };
      await onProgress(progress);
      if (batch.length < read.length) break;
      await sleep(Math.min(Math.max(Date.now() - startedAt, 1), MAX_YIELD_MS));
    }
    if (!options.verify && !options.promote) return { position: progress.position, eventsReplayed: progress.eventsReplayed, failedStreams: failed.length, promoted: false };
    await onProgress({ ...progress, phase: options.promote ? 'promoting' : 'comparing' });
    return { ...(await this.settle(live, progress, failed, options.promote)), promoted: options.promote };
  }

  /**
   * Where the replay in batches stops: the SQL log's last event (whatever the checkpoint says: writes
   * project inline, and the checkpoint follows only when a projector polls), or what EventStoreDB's
   * live model covers.
   */
  private async headPosition(live: string): Promise<number> {
    if (this.consistency === 'checkpoint') return readCheckpoint(this.db);
    const [row] = await this.db.query<{ head: number }>(`SELECT coalesce(max(position), 0) AS head FROM ${quoteIdentifier(live)}.events`);
    return Number(row.head);
  }

  /** The tail of the log, the comparison and the promotion, in one transaction at one position; again if writes raced it. */
  private async settle(live: string, progress: RebuildProgress, failed: readonly string[], promote: boolean) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.settleIn(tx, live, progress, [...failed], promote), { timeoutMs: SETTLE_TIMEOUT_MS });
      } catch (error) {
        if (attempt >= SETTLE_ATTEMPTS || !RETRIABLE.has(String((error as { code?: unknown }).code))) throw error;
      }
    }
  }

  private async settleIn(tx: SqlExecutor, live: string, progress: RebuildProgress, failed: string[], promote: boolean) {
    let { position, eventsReplayed } = progress;
    let readTail: (after: number) => Promise<RecordedEvent[]>;
    let heldAt = 0;
    if (this.consistency === 'snapshot') {
      await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      readTail = (after) => visibleEventsAfter(tx, live, after, BATCH);
    } else {
      // Before the search path moves: the live checkpoint, locked so the live projector waits until this commits.
      heldAt = await lockCheckpoint(tx);
      readTail = async (after) => (await this.events.readAll(after, BATCH)).filter((event) => event.position <= heldAt);
    }
    for (let tail = await readTail(position); tail.length > 0; tail = await readTail(position)) {
      failed.push(...(await projectIntoSchema(tx, { schema: this.schema, events: tail, failedStreams: failed }, true)));
      eventsReplayed += tail.length;
      position = tail[tail.length - 1].position;
    }
    position = Math.max(position, heldAt);
    const pairs = await tablePairs(tx, live, this.schema);
    const comparison = await compareReadModels(tx, pairs, SHOWN_DIFFERENCES);
    if (promote && comparison.differenceCount > 0) await promoteRebuilt(tx, pairs);
    return { position, eventsReplayed, failedStreams: failed.length, comparison };
  }
}
