import { migrate } from '@app/platform/database/migrations';
import type { SqlDatabase } from '@app/platform/database/sql-database';
import type { RebuildOptions, RebuildReport } from './read-model-rebuild';
import { REBUILD_JOB_MIGRATIONS } from './rebuild-job.migrations';
import { percentReplayed, RebuildProgress } from './rebuild-progress';

export type RebuildJobState = 'running' | 'done' | 'failed';

/** Who asked for a rebuild (an admin token). */
export interface RebuildRequester {
  readonly tokenId: string;
  readonly label: string;
}

/** A rebuild job as the admin API shows it. */
export interface RebuildJob {
  readonly id: string;
  readonly state: RebuildJobState;
  readonly verify: boolean;
  readonly promote: boolean;
  readonly requestedBy: RebuildRequester;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly progress?: RebuildProgress & { readonly percent: number };
  readonly report?: RebuildReport;
  readonly error?: string;
}

/** Refused: a rebuild is running on this database already. */
export class RebuildRunningError extends Error {
  constructor(readonly runningId: string | undefined) {
    super(`A rebuild is running already${runningId ? ` (${runningId})` : ''}; one runs at a time`);
    this.name = 'RebuildRunningError';
  }
}

/** A job whose process stopped renewing its lease for this long is marked failed. */
export const REBUILD_LEASE_SECONDS = 30;
const UNIQUE_VIOLATION = '23505';

interface JobRow {
  id: string;
  state: RebuildJobState;
  verify: boolean;
  promote: boolean;
  requested_by: RebuildRequester;
  started_at: Date;
  finished_at: Date | null;
  progress: RebuildProgress | null;
  report: RebuildReport | null;
  error: string | null;
}

/** The rebuild jobs' rows: start (one at a time), progress as the lease's heartbeat, the outcome. */
export class RebuildJobs {
  constructor(private readonly db: SqlDatabase) {}

  async init(): Promise<void> {
    await migrate(this.db, REBUILD_JOB_MIGRATIONS);
  }

  /** Records a running job, or throws RebuildRunningError while another one's lease holds. */
  async start(id: string, options: RebuildOptions, requestedBy: RebuildRequester): Promise<void> {
    await this.failAbandoned();
    try {
      await this.db.query('INSERT INTO read_model_rebuilds (id, state, verify, promote, requested_by) VALUES ($1, $2, $3, $4, $5)', [
        id,
        'running',
        options.verify,
        options.promote,
        JSON.stringify(requestedBy),
      ]);
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      const [running] = await this.db.query<{ id: string }>("SELECT id FROM read_model_rebuilds WHERE state = 'running'");
      throw new RebuildRunningError(running?.id);
    }
  }

  /** Saves progress and renews the lease; false when the job is no longer this process's (its lease ran out). */
  async heartbeat(id: string, progress: RebuildProgress | undefined): Promise<boolean> {
    const rows = await this.db.query(
      "UPDATE read_model_rebuilds SET heartbeat_at = now(), progress = COALESCE($2::jsonb, progress) WHERE id = $1 AND state = 'running' RETURNING 1",
      [id, progress ? JSON.stringify(progress) : null],
    );
    return rows.length > 0;
  }

  async finish(id: string, report: RebuildReport): Promise<void> {
    await this.db.query("UPDATE read_model_rebuilds SET state = 'done', finished_at = now(), report = $2 WHERE id = $1 AND state = 'running'", [
      id,
      JSON.stringify(report),
    ]);
  }

  async fail(id: string, reason: string): Promise<void> {
    await this.db.query("UPDATE read_model_rebuilds SET state = 'failed', finished_at = now(), error = $2 WHERE id = $1 AND state = 'running'", [id, reason]);
  }

  /** Marks failed every running job: at the start of the only process of an embedded database, none can be running. */
  async failAllRunning(): Promise<void> {
    await this.db.query("UPDATE read_model_rebuilds SET state = 'failed', finished_at = now(), error = $1 WHERE state = 'running'", [
      'abandoned: the server stopped while it ran',
    ]);
  }

  async get(id: string): Promise<RebuildJob | undefined> {
    await this.failAbandoned();
    const [row] = await this.db.query<JobRow>('SELECT * FROM read_model_rebuilds WHERE id = $1', [id]);
    return row && toJob(row);
  }

  /** A job whose process died (a crash, a restart) stops renewing its lease: it is failed, and the next rebuild may start. */
  private async failAbandoned(): Promise<void> {
    await this.db.query(
      `UPDATE read_model_rebuilds SET state = 'failed', finished_at = now(), error = $2
        WHERE state = 'running' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [REBUILD_LEASE_SECONDS, `abandoned: the process running it stopped renewing its ${REBUILD_LEASE_SECONDS} s lease`],
    );
  }
}

function toJob(row: JobRow): RebuildJob {
  return {
    id: row.id,
    state: row.state,
    verify: row.verify,
    promote: row.promote,
    requestedBy: row.requested_by,
    startedAt: new Date(row.started_at).toISOString(),
    ...(row.finished_at ? { finishedAt: new Date(row.finished_at).toISOString() } : {}),
    ...(row.progress ? { progress: { ...row.progress, percent: percentReplayed(row.progress) } } : {}),
    ...(row.report ? { report: row.report } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}
