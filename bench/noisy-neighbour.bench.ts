import 'reflect-metadata';
import { AppConfig, loadConfig } from '@app/platform/config/app-config';
import { createEmptyDatabase } from '@app/platform/database/create-database';
import { createLogger } from '@app/platform/logging/logger';
import { openStores } from '@app/read-model/open-stores';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { createScimApp } from '../apps/scim-api/src/create-app';
import { ensureProvider } from '../apps/scim-api/src/identity-providers/provider-bootstrap';
import { HOSTILE_KINDS, HostileKind, HostileReport, httpCall, percentile, runEntraCycles, startHostileWorker, Tenant } from './tenant-load';

/**
 * Tenant B's Entra cycle (match, create, update, disable, delete; CONCURRENCY users in flight,
 * B_RATE requests/s) undisturbed, then beside a hostile client on tenant A (large filters, big bodies,
 * unauthenticated 1 MB bodies, bursts beyond the rate limits; in a worker thread), each on a fresh
 * store with the default configuration, while /health/live is probed every 100 ms on a new
 * connection. Medians of ROUNDS rounds. Usage: npm run bench:noisy (add DATABASE_URL=postgres://…
 * for a PostgreSQL server instead of embedded PGlite; BENCH_HOSTILE_KINDS=filter,search,… runs only
 * those kinds of hostile request, to see what each costs tenant B).
 */
const USERS = Number(process.env.BENCH_USERS ?? 60);
const A_USERS = Number(process.env.BENCH_A_USERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
/** Tenant B's pace: twice the 25 requests/s Entra asks for, half the default per-token limit. */
const B_RATE = Number(process.env.BENCH_B_RATE ?? 50);
/** Seeding stays under the per-token limit too. */
const SEED_RATE = 80;
const HOSTILE_CONCURRENCY = Number(process.env.BENCH_HOSTILE_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KINDS = hostileKinds(process.env.BENCH_HOSTILE_KINDS);
const silent = createLogger('silent');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface RoundResult {
  p50: number;
  p99: number;
  cycleP50: number;
  cycleP99: number;
  rate: number;
  bRefused: number;
  bFailed: number;
  aRefused: number;
  aAnswered: number;
  liveMax: number;
  liveP99: number;
  /** The server's event loop (this thread's), longest delay seen while B ran. */
  loopMax: number;
  attack?: HostileReport;
}

function hostileKinds(raw: string | undefined): readonly HostileKind[] {
  if (!raw) return HOSTILE_KINDS;
  const kinds = raw.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(HOSTILE_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`BENCH_HOSTILE_KINDS: unknown ${unknown.join(', ')}; known: ${HOSTILE_KINDS.join(', ')}`);
  return kinds as HostileKind[];
}

async function round(disturbed: boolean): Promise<RoundResult> {
  const databaseUrl = process.env.DATABASE_URL ? await createEmptyDatabase(process.env.DATABASE_URL, 'scim_bench') : undefined;
  const config: AppConfig = { ...loadConfig({}), port: 0, workerHealthPort: 0, host: '127.0.0.1', dataDir: ':memory:', databaseUrl, logLevel: 'silent' };
  const stores = await openStores(config, silent);
  const a = { providerId: 'tenant-a', token: 'tenant-a-token-0123456789abcdef' };
  const b = { providerId: 'tenant-b', token: 'tenant-b-token-0123456789abcdef' };
  for (const provider of [a, b]) await ensureProvider(stores, { ...provider, customAttributes: [] });
  const app = await createScimApp(config, silent, stores);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  const tenant = (p: { providerId: string; token: string }): Tenant => ({ url: `${origin}/scim/v2/enterprise-idps/${p.providerId}`, token: p.token });
  try {
    await runEntraCycles(tenant(a), A_USERS, { concurrency: 8, requestsPerSecond: SEED_RATE, keepUsers: true });
    const hostile = disturbed ? startHostileWorker(join(__dirname, 'hostile-client.worker.js'), tenant(a), HOSTILE_CONCURRENCY, KINDS) : undefined;
    if (hostile) await delay(1000);
    let done = false;
    const live: number[] = [];
    const probing = (async () => {
      while (!done) {
        const started = performance.now();
        await httpCall(false, 'GET', `${origin}/health/live`, {});
        live.push(performance.now() - started);
        await delay(100);
      }
    })();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    const cycle = await runEntraCycles(tenant(b), USERS, { concurrency: CONCURRENCY, requestsPerSecond: B_RATE }).finally(() => (done = true));
    const seconds = (performance.now() - started) / 1000;
    loop.disable();
    const attack = await hostile?.stop();
    await probing;
    const count = (statuses: Record<string, number>, match: (status: number) => boolean) =>
      Object.entries(statuses).reduce((sum, [status, n]) => sum + (match(Number(status)) ? n : 0), 0);
    return {
      p50: percentile(cycle.latencies, 50),
      p99: percentile(cycle.latencies, 99),
      cycleP50: percentile(cycle.cycles, 50),
      cycleP99: percentile(cycle.cycles, 99),
      rate: cycle.latencies.length / seconds,
      bRefused: count(cycle.statuses, (s) => s === 429),
      bFailed: count(cycle.statuses, (s) => s >= 500),
      aRefused: attack ? count(attack.statuses, (s) => s === 429) : 0,
      aAnswered: attack ? Object.values(attack.statuses).reduce((x, y) => x + y, 0) : 0,
      liveMax: Math.max(...live),
      liveP99: percentile(live, 99),
      loopMax: loop.max / 1e6,
      attack,
    };
  } finally {
    await app.close();
    await stores.close();
  }
}

async function main(): Promise<void> {
  const results: Record<'undisturbed' | 'disturbed', RoundResult[]> = { undisturbed: [], disturbed: [] };
  for (let i = 1; i <= ROUNDS; i += 1) {
    for (const phase of ['undisturbed', 'disturbed'] as const) {
      results[phase].push(await round(phase === 'disturbed'));
      const { attack, ...figures } = results[phase].at(-1)!;
      process.stderr.write(`round ${i} ${phase}: ${JSON.stringify(figures)}${attack ? `; A by kind: ${JSON.stringify(attack.byKind)}` : ''}\n`);
    }
  }
  const store = process.env.DATABASE_URL ? 'PostgreSQL server' : 'PGlite (embedded)';
  type Figure = Exclude<keyof RoundResult, 'attack'>;
  const m = (phase: 'undisturbed' | 'disturbed', key: Figure) => median(results[phase].map((r) => r[key]));
  process.stdout.write(
    `Tenant B's Entra cycle, ${store}, ${USERS} users, ${CONCURRENCY} in flight, at most ${B_RATE} requests/s; hostile tenant A: ${HOSTILE_CONCURRENCY} per kind (${KINDS.join(', ')}); median of ${ROUNDS} rounds:\n` +
      `  ${''.padEnd(12)} ${'B req/s'.padStart(8)} ${'B p50'.padStart(9)} ${'B p99'.padStart(9)} ${'cycle p50'.padStart(10)} ${'cycle p99'.padStart(10)} ${'B 429'.padStart(6)} ${'B 5xx'.padStart(6)} ${'A 429'.padStart(7)} ${'A total'.padStart(8)} ${'live p99'.padStart(9)} ${'live max'.padStart(9)} ${'loop max'.padStart(9)}\n`,
  );
  for (const phase of ['undisturbed', 'disturbed'] as const) {
    const ms = (key: Figure, width: number) => `${m(phase, key).toFixed(0)} ms`.padStart(width);
    process.stdout.write(
      `  ${phase.padEnd(12)} ${m(phase, 'rate').toFixed(0).padStart(8)} ${ms('p50', 9)} ${ms('p99', 9)} ${ms('cycleP50', 10)} ${ms('cycleP99', 10)} ` +
        `${String(m(phase, 'bRefused')).padStart(6)} ${String(m(phase, 'bFailed')).padStart(6)} ${String(m(phase, 'aRefused')).padStart(7)} ${String(m(phase, 'aAnswered')).padStart(8)} ${ms('liveP99', 9)} ${ms('liveMax', 9)} ${ms('loopMax', 9)}\n`,
    );
  }
  const ratio = (key: Figure) => (m('disturbed', key) / m('undisturbed', key)).toFixed(2);
  process.stdout.write(`  disturbed / undisturbed p99 (target ≤ 2×): per request ${ratio('p99')}×, per user cycle ${ratio('cycleP99')}×\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
