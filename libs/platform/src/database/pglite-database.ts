import type { Logger } from 'pino';
import { createLogger } from '../logging/logger';
import { DatabaseUnavailableError } from './database-unavailable.error';
import { defaultTemplateDir, seedFromTemplate } from './pglite-template';
import { PgliteRequest, PgliteWorker } from './pglite-worker';
import { SqlDatabase, SqlExecutor, SqlProcedure } from './sql-database';

/** First wait before restarting a crashed worker; it doubles while restarted workers keep crashing soon. */
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that ran this long before crashing restarts after the first delay again. */
const STABLE_AFTER_MS = 60_000;

export interface PgliteDatabaseOptions {
  /** Where a crash of the database worker is reported; error-level JSON on stdout when absent. */
  readonly logger?: Logger;
  /** The worker's JavaScript heap limit in MB (results are built there): 512 when absent. */
  readonly maxHeapMb?: number;
  /** Where a data directory's first start copies its cluster from (see pglite-template.ts): the build's when absent. */
  readonly templateDir?: string;
}

/**
 * Embedded PostgreSQL (WASM) under a data directory, or in memory when none is given. PGlite runs
 * in a worker thread (see PgliteWorker) so a long query never holds the event loop that answers
 * HTTP. If that thread dies, the calls in flight reject with DatabaseUnavailableError (a 503): on
 * a data directory the worker restarts after a back-off and PostgreSQL recovers every committed
 * transaction from its WAL; in memory the data died with it, so every later call fails the same way.
 */
export class PgliteDatabase implements SqlDatabase {
  private worker: PgliteWorker | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  private restartDelayMs = RESTART_DELAY_MS;
  private closed = false;
  private nextTransaction = 0;

  private constructor(
    private readonly dataDir: string | undefined,
    private readonly logger: Logger,
    private readonly maxHeapMb: number,
  ) {}

  static async open(dataDir?: string, options: PgliteDatabaseOptions = {}): Promise<PgliteDatabase> {
    const logger = options.logger ?? createLogger('error').child({ module: 'database' });
    const db = new PgliteDatabase(dataDir, logger, options.maxHeapMb ?? 512);
    if (dataDir) await db.seed(options.templateDir ?? defaultTemplateDir());
    db.worker = await db.startWorker();
    return db;
  }

  query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.call<Row[]>({ op: 'query', sql, params });
  }

  exec(sql: string): Promise<void> {
    return this.call<void>({ op: 'exec', sql });
  }

  // PGlite has one connection: its transaction lock in the worker holds every other query until the end.
  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const worker = this.current();
    const tx = this.nextTransaction++;
    await worker.call({ op: 'begin', tx });
    let result: T;
    try {
      result = await work({
        query: <Row>(sql: string, params: readonly unknown[] = []) => worker.call<Row[]>({ op: 'query', sql, params, tx }),
        exec: (sql: string) => worker.call<void>({ op: 'exec', sql, tx }),
      });
    } catch (error) {
      // The work's own error is what the caller needs; a failed ROLLBACK leaves nothing committed anyway.
      await worker.call({ op: 'end', tx, commit: false }).catch(() => undefined);
      throw error;
    }
    await worker.call({ op: 'end', tx, commit: true });
    return result;
  }

  /** One message: the procedure runs in the worker, its transaction held there only while it works. */
  async runProcedure<Args, Result>(procedure: SqlProcedure<Args, Result>, args: Args): Promise<Result> {
    try {
      return await this.call<Result>({ op: 'run', module: procedure.module, name: procedure.name, args });
    } catch (error) {
      if (error instanceof DatabaseUnavailableError || !procedure.reviveError) throw error;
      throw procedure.reviveError(error as Error & Record<string, unknown>);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    await this.restarting;
    await this.worker?.close();
  }

  private call<T>(request: PgliteRequest): Promise<T> {
    try {
      return this.current().call<T>(request);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private current(): PgliteWorker {
    if (this.closed) throw new Error('The database is closed');
    if (!this.worker) throw new DatabaseUnavailableError('unreachable');
    return this.worker;
  }

  /** A first start copies the build's template: PGlite's initdb in this process would peak at ~0.85 GB. */
  private async seed(templateDir: string): Promise<void> {
    const seeded = await seedFromTemplate(this.dataDir!, templateDir);
    if (seeded.origin === 'template') this.logger.info({ templateDir }, 'created the embedded data directory from the build\'s template');
    if (seeded.origin === 'initdb') this.logger.warn({ reason: seeded.reason }, 'creating the embedded data directory with PGlite\'s initdb in this process (peaks near 0.9 GB)');
  }

  private startWorker(): Promise<PgliteWorker> {
    return PgliteWorker.start({ dataDir: this.dataDir, maxHeapMb: this.maxHeapMb }, (cause) => this.crashed(cause));
  }

  private crashed(cause: Error): void {
    const ranMs = Date.now() - (this.worker?.startedAt ?? 0);
    this.worker = undefined;
    if (this.closed) return;
    if (!this.dataDir) {
      this.logger.error({ err: cause }, 'the embedded database worker stopped; its data was in memory and is gone, so every query now fails');
      return;
    }
    if (ranMs >= STABLE_AFTER_MS) this.restartDelayMs = RESTART_DELAY_MS;
    this.logger.error({ err: cause, restartInMs: this.restartDelayMs }, 'the embedded database worker stopped; queries fail with 503 until it has restarted on the data directory');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delayMs = this.restartDelayMs;
    this.restartDelayMs = Math.min(MAX_RESTART_DELAY_MS, delayMs * 2);
    this.restartTimer = setTimeout(() => (this.restarting = this.restart()), delayMs).unref();
  }

  private async restart(): Promise<void> {
    try {
      const worker = await this.startWorker();
      if (this.closed) return await worker.close();
      this.worker = worker;
      this.logger.info('the embedded database worker restarted');
    } catch (error) {
      this.logger.error({ err: error, restartInMs: this.restartDelayMs }, 'the embedded database worker could not restart');
      if (!this.closed) this.scheduleRestart();
    }
  }
}
