import { PostgresEventStore } from '@app/event-store/postgres/postgres-event-store.adapter';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import type { Stores } from '@app/read-model/open-stores';
import { ReadModelRebuild } from '@app/read-model/rebuild/read-model-rebuild';
import { RebuildJobRunner } from '@app/read-model/rebuild/rebuild-job-runner';
import { RebuildJobs } from '@app/read-model/rebuild/rebuild-jobs';
import type { Logger } from 'pino';
import { LOGGER } from '../../app.tokens';
import type { AdminFeature } from '../admin-feature';
import { ReadModelRebuildController } from './rebuild.http.controller';

/** Rebuild and verify the read model from the log (issue 10, item 5). */
export const READ_MODEL_REBUILD_ADMIN: AdminFeature = {
  controllers: [ReadModelRebuildController],
  providers: (stores: Stores) => [
    {
      provide: RebuildJobs,
      useFactory: async () => {
        const jobs = new RebuildJobs(stores.db);
        await jobs.init();
        // An embedded database has one process: a job still "running" at its start died with the last one.
        if (stores.db instanceof PgliteDatabase) await jobs.failAllRunning();
        return jobs;
      },
    },
    {
      provide: RebuildJobRunner,
      inject: [RebuildJobs, LOGGER],
      useFactory: (jobs: RebuildJobs, logger: Logger) => {
        // The SQL logs project inline (one snapshot holds log and model in step); EventStoreDB's model is held at its checkpoint.
        const rebuild = new ReadModelRebuild(stores.db, stores.events, stores.events instanceof PostgresEventStore ? 'snapshot' : 'checkpoint');
        return new RebuildJobRunner(jobs, rebuild, logger.child({ module: 'read-model-rebuild' }));
      },
    },
  ],
};
