import type { EventStore } from '@app/event-store/event-store.port';
import { createLogger } from '@app/platform/logging/logger';
import { randomUUID } from 'node:crypto';
import { openStores, Stores } from '../open-stores';
import { ReadModelRebuild } from './read-model-rebuild';
import { RebuildJobRunner } from './rebuild-job-runner';
import { RebuildJobs, RebuildRunningError } from './rebuild-jobs';

const alice = { tokenId: 'a1', label: 'Alice' };
const verify = { verify: true, promote: false };

describe('rebuild jobs in the database', () => {
  let stores: Stores;
  let jobs: RebuildJobs;
  beforeAll(async () => {
    stores = await openStores({ dataDir: ':memory:' }, createLogger('silent'));
    jobs = new RebuildJobs(stores.db);
    await jobs.init();
  });
  afterAll(() => stores.close());
  beforeEach(() => stores.db.query('DELETE FROM read_model_rebuilds'));

  it('runs one at a time: a second start is refused naming the running one, until it ends', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    await jobs.start(first, verify, alice);
    await expect(jobs.start(second, verify, alice)).rejects.toEqual(new RebuildRunningError(first));
    await jobs.fail(first, 'stopped');
    await jobs.start(second, verify, alice);
    expect(await jobs.get(second)).toMatchObject({ id: second, state: 'running', verify: true, promote: false, requestedBy: alice });
    expect(await jobs.get(randomUUID())).toBeUndefined();
  });

  it('fails a job whose lease ran out (its process died), lets the next start, and tells the late process it lost it', async () => {
    const [dead, next] = [randomUUID(), randomUUID()];
    await jobs.start(dead, verify, alice);
    await stores.db.query("UPDATE read_model_rebuilds SET heartbeat_at = now() - interval '31 seconds' WHERE id = $1", [dead]);
    expect(await jobs.get(dead)).toMatchObject({ state: 'failed', error: expect.stringMatching(/^abandoned: .*30 s lease$/), finishedAt: expect.any(String) });
    await jobs.start(next, verify, alice);
    expect(await jobs.heartbeat(dead, undefined)).toBe(false);
    expect(await jobs.heartbeat(next, undefined)).toBe(true);
    await jobs.failAllRunning();
    expect(await jobs.get(next)).toMatchObject({ state: 'failed', error: 'abandoned: the server stopped while it ran' });
  });

  it('records a rebuild that fails by its error class only, so another can start', async () => {
    const broken: EventStore = { ...stores.events, readAll: () => Promise.reject(Object.assign(new Error('value "secret" refused'), { code: '22001', severity: 'ERROR' })) };
    const runner = new RebuildJobRunner(jobs, new ReadModelRebuild(stores.db, broken, 'snapshot'), createLogger('silent'));
    const { id, finished } = await runner.start(verify, alice);
    await finished;
    expect(await jobs.get(id)).toMatchObject({ state: 'failed', error: 'the rebuild failed: data_exception (22001); start it again' });
    const again = await runner.start(verify, alice);
    await again.finished;
    expect((await jobs.get(again.id))?.state).toBe('failed');
  });

  it('reports a finished job with its progress at 100 % and its report', async () => {
    const runner = new RebuildJobRunner(jobs, new ReadModelRebuild(stores.db, stores.events, 'snapshot'), createLogger('silent'));
    const { id, finished } = await runner.start(verify, alice);
    await finished;
    expect(await jobs.get(id)).toMatchObject({
      state: 'done',
      progress: { phase: 'comparing', percent: 100 },
      report: { eventsReplayed: expect.any(Number), comparison: { differenceCount: 0, differences: [] }, promoted: false },
    });
  });
});
