import { temporaryDirectories } from '@app/testing/temporary-directories';
import { loadConfig } from '@app/platform/config/app-config';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { transformFileSync } from '@swc/core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { httpCall, percentile, runEntraCycles, startHostileWorker, Tenant } from '../../bench/tenant-load';

const temporaryDirectory = temporaryDirectories();

const A = { providerId: 'hostile-a', token: 'hostile-a-token-0123456789abcdef' };
const B = { providerId: 'entra-b', token: 'entra-b-token-0123456789abcdefgh' };
/** Requests/s of tenant B: twice what Entra asks for, half the default per-token limit. */
const ENTRA_PACE = 50;
/** Users in tenant B's cycle (five requests each: 3 s at ENTRA_PACE). */
const USERS = 30;

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

/** Samples GET /health/live every 100 ms on a new connection, as an orchestrator's probe does, until `stop()`. */
async function sampleLiveness(origin: string, stop: () => boolean): Promise<{ latencies: number[]; statuses: number[] }> {
  const sampled = { latencies: [] as number[], statuses: [] as number[] };
  while (!stop()) {
    const started = performance.now();
    sampled.statuses.push((await httpCall(false, 'GET', `${origin}/health/live`, {})).status);
    sampled.latencies.push(performance.now() - started);
    await delay(100);
  }
  return sampled;
}

/**
 * The hostile client runs in a worker thread, as in bench:noisy, so that its own work does not
 * weigh on the event loop the server shares with this test; the worker needs it as JavaScript.
 */
function compiledHostileWorker(): string {
  const dir = temporaryDirectory('hostile-client-');
  for (const name of ['tenant-load', 'hostile-client.worker']) {
    const { code } = transformFileSync(join(__dirname, '../../bench', `${name}.ts`), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    writeFileSync(join(dir, `${name}.js`), code);
  }
  return join(dir, 'hostile-client.worker.js');
}

/** The embedded store and a PostgreSQL server (when given); the EventStoreDB double adds nothing at the HTTP edge. */
const targets = storageTargets().filter((t) => t.name !== 'esdb-test-double');

describe.each(targets.map((t) => [t.name, t] as const))('a hostile tenant beside an Entra tenant on %s', (_name, target) => {
  let server: ScimTestServer;

  beforeAll(async () => {
    // The documented default limits, whatever the test server's own defaults.
    server = await ScimTestServer.start(target, [A, B], undefined, { rateLimits: loadConfig({}).rateLimits });
  });
  afterAll(async () => server?.close());

  it('answers the hostile tenant 429s (its searches too) while the other tenant\'s cycle sees no 429 and no 5xx, and /health/live stays under 1 s (p95)', async () => {
    const started = Date.now();
    const tenantA: Tenant = { url: server.tenantUrl(A.providerId), token: A.token };
    const tenantB: Tenant = { url: server.tenantUrl(B.providerId), token: B.token };
    // Tenant A's own users, so that its filters have rows to scan.
    const seeded = await runEntraCycles(tenantA, 100, { concurrency: 8, requestsPerSecond: 80, keepUsers: true });
    expect(seeded.statuses[201]).toBe(100);
    // Undisturbed first: the defaults must never refuse an Entra-paced tenant, and the log compares both runs.
    const alone = await timed(() => runEntraCycles(tenantB, USERS, { concurrency: 4, requestsPerSecond: ENTRA_PACE }));
    expect(Object.keys(alone.result.statuses).filter((status) => Number(status) >= 400)).toEqual([]);

    let done = false;
    const hostile = startHostileWorker(compiledHostileWorker(), tenantA, 4);
    const liveness = sampleLiveness(server.origin, () => done);
    await delay(1000);
    const beside = await timed(() => runEntraCycles(tenantB, USERS, { concurrency: 4, requestsPerSecond: ENTRA_PACE }).finally(() => (done = true)));
    const [attack, live] = await Promise.all([hostile.stop(), liveness]);
    const cycle = beside.result;

    process.stderr.write(
      `tenant B: ${JSON.stringify(cycle.statuses)} in ${beside.ms.toFixed(0)} ms (alone ${alone.ms.toFixed(0)} ms), request p99 ${percentile(cycle.latencies, 99).toFixed(0)} ms ` +
        `(alone ${percentile(alone.result.latencies, 99).toFixed(0)} ms); tenant A: ${JSON.stringify(attack.byKind)}; /health/live p95 ${percentile(live.latencies, 95).toFixed(0)} ms, max ${Math.max(...live.latencies).toFixed(0)} ms\n`,
    );
    const refusedOrFailed = Object.entries(cycle.statuses).filter(([status]) => Number(status) >= 400);
    expect(refusedOrFailed).toEqual([]);
    expect(cycle.cycles).toHaveLength(USERS);
    // The 2× (disturbed / undisturbed p99) is claimed by bench:noisy, not asserted here: on a
    // 2-core box shared with other work, B's cycle alone and beside the attack varied 1.7–4.6× between
    // runs of one build, so a timed bound would fail on load it does not measure; the log keeps both.
    expect(attack.statuses[429]).toBeGreaterThan(0);
    // Its large filters and .search are searches, rationed per IdP; tenant B's eq lookups never are.
    expect((attack.byKind.filter?.[429] ?? 0) + (attack.byKind.search?.[429] ?? 0)).toBeGreaterThan(0);
    expect(Object.keys(attack.statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    expect(live.statuses.length).toBeGreaterThan(5);
    expect(live.statuses.every((status) => status === 200)).toBe(true);
    // The 1 s bound holds for the p95 of probes; the slowest probe only has to stay under 2 s.
    // PGlite now runs in a worker thread (slowest probe here 0.4-0.5 s since), but a probe still shares
    // this process with the server and tenant B's client, and the 2-core box with the hostile thread
    // and PostgreSQL: CI once saw one probe of 1.4 s before that change, and bench:noisy probes of
    // 3.8 s while the server's event loop was never delayed more than 0.4 s.
    expect(percentile(live.latencies, 95)).toBeLessThan(1000);
    expect(Math.max(...live.latencies)).toBeLessThan(2000);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
