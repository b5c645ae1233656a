import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { describeProjectionError } from '../projections/projection-error';
import { ReadModelRebuild, RebuildOptions } from './read-model-rebuild';
import { RebuildJobs, RebuildRequester, REBUILD_LEASE_SECONDS } from './rebuild-jobs';
import { RebuildProgress } from './rebuild-progress';

// Progress reaches the job's row at most this often (and on each phase change); the lease is renewed at least as often.
const SAVE_EVERY_MS = 500;
const HEARTBEAT_MS = (REBUILD_LEASE_SECONDS * 1000) / 6;

/** Thrown into a rebuild whose job is no longer this process's (its lease ran out and it was marked failed). */
class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** Starts rebuild jobs in the background of this process and records their progress and outcome. */
export class RebuildJobRunner {
  constructor(
    private readonly jobs: RebuildJobs,
    private readonly rebuild: ReadModelRebuild,
    private readonly logger: Logger,
  ) {}

  /** Records the job (RebuildRunningError while another runs) and starts it; resolves with its id and, for tests, its end. */
  async start(options: RebuildOptions, requestedBy: RebuildRequester): Promise<{ id: string; finished: Promise<void> }> {
    const id = randomUUID();
    await this.jobs.start(id, options, requestedBy);
    this.logger.info({ rebuildId: id, ...options, requestedBy: requestedBy.tokenId }, 'read-model rebuild started');
    return { id, finished: this.run(id, options) };
  }

  private async run(id: string, options: RebuildOptions): Promise<void> {
    let lost = false;
    let saved = { at: 0, phase: '' };
    const heartbeat = setInterval(() => {
      this.jobs.heartbeat(id, undefined).then((held) => (lost ||= !held), () => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const onProgress = async (progress: RebuildProgress) => {
      if (lost) throw new LeaseLostError('the job was marked failed while it ran');
      if (Date.now() - saved.at < SAVE_EVERY_MS && progress.phase === saved.phase) return;
      saved = { at: Date.now(), phase: progress.phase };
      if (!(await this.jobs.heartbeat(id, progress))) throw new LeaseLostError('the job was marked failed while it ran');
    };
    try {
      const report = await this.rebuild.run(options, onProgress);
      await this.jobs.finish(id, report);
      const { position, eventsReplayed, failedStreams, comparison, promoted } = report;
      this.logger.info({ rebuildId: id, position, eventsReplayed, failedStreams, differences: comparison?.differenceCount, promoted }, 'read-model rebuild done');
    } catch (error) {
      // Class and code only: a database error's message may quote the values it refused.
      const { errorClass, errorCode } = describeProjectionError(error);
      this.logger.error({ rebuildId: id, errorClass, errorCode }, 'read-model rebuild failed');
      const reason = error instanceof LeaseLostError ? error.message : `the rebuild failed: ${errorClass}${errorCode ? ` (${errorCode})` : ''}; start it again`;
      await this.jobs.fail(id, reason).catch(() => undefined);
    } finally {
      clearInterval(heartbeat);
    }
  }
}
