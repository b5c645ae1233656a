import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { MessageChannel, Worker } from 'node:worker_threads';
import { freshStore } from './bench-stores';
import { Checkout, workingTree } from './revision-checkout';
import { startService } from './service-process';
import { HOSTILE_KINDS, HostileKind, HostileReport, httpCall, percentile, runEntraCycles, Tenant } from './tenant-load';

/**
 * Tenant B's Entra cycle (match, create, update, disable, delete; CONCURRENCY users in flight,
 * B_RATE requests/s) undisturbed and beside a hostile client on tenant A (large filters, big bodies,
 * unauthenticated 1 MB bodies, bursts beyond the rate limits; in a worker thread), against the
 * built service in a process of its own (as a client outside this repo meets it: neither client's
 * work queues on the server's event loop), on a fresh store per round with the default
 * configuration, while /health/live is probed every 100 ms on a new connection. Within a round the two phases alternate in slices of SLICE_USERS users on one server,
 * so both meet the same load from whatever else runs on the machine (on a shared box, separate
 * phases of 10 s each differed more between themselves than the attack made them differ). Medians
 * of ROUNDS rounds. Usage: npm run bench:noisy (add DATABASE_URL=postgres://… for a PostgreSQL
 * server instead of embedded PGlite; BENCH_HOSTILE_KINDS=filter,search,… runs only those kinds of
 * hostile request, to see what each costs tenant B; BENCH_SPIN_DUTY=0.5 replaces the hostile client
 * with a thread that only keeps a core busy half the time, to see what the machine alone imposes).
 */
const USERS = Number(process.env.BENCH_USERS ?? 90);
const SLICE_USERS = Number(process.env.BENCH_SLICE_USERS ?? 15);
const A_USERS = Number(process.env.BENCH_A_USERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
/** Tenant B's pace: twice the 25 requests/s Entra asks for, half the default per-token limit. */
const B_RATE = Number(process.env.BENCH_B_RATE ?? 50);
/** Seeding stays under the per-token limit too. */
const SEED_RATE = 80;
const HOSTILE_CONCURRENCY = Number(process.env.BENCH_HOSTILE_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KINDS = hostileKinds(process.env.BENCH_HOSTILE_KINDS);
const SPIN_DUTY = process.env.BENCH_SPIN_DUTY === undefined ? undefined : Math.min(1, Math.max(0, Number(process.env.BENCH_SPIN_DUTY)));
/** The window in which A's arrivals are counted: how much of A's work comes at once rather than spread out. */
const CLUMP_WINDOW_MS = 50;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
type Phase = 'undisturbed' | 'disturbed';
const PHASES: readonly Phase[] = ['undisturbed', 'disturbed'];

interface PhaseResult {
  p50: number;
  p99: number;
  /** B's p99 as the server timed it (its request journal): from receiving a request to answering it. */
  serverP99: number;
  /** The same by HTTP method (which of B's requests carry the tail). */
  serverP99ByMethod: Record<string, number>;
  cycleP50: number;
  cycleP99: number;
  rate: number;
  bRefused: number;
  bFailed: number;
  liveMax: number;
  liveP99: number;
  /** The service's event loop, longest delay seen while B ran. */
  loopMax: number;
}

interface RoundResult {
  phases: Record<Phase, PhaseResult>;
  aRefused: number;
  aAnswered: number;
  /** A's requests the server received in one {@link CLUMP_WINDOW_MS} window while B ran beside the attack: p99 and max over the windows. */
  aClumps: { p99: number; max: number };
  attack: HostileReport & { busyShare: number };
}

function hostileKinds(raw: string | undefined): readonly HostileKind[] {
  if (!raw) return HOSTILE_KINDS;
  const kinds = raw.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(HOSTILE_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`BENCH_HOSTILE_KINDS: unknown ${unknown.join(', ')}; known: ${HOSTILE_KINDS.join(', ')}`);
  return kinds as HostileKind[];
}

/** The hostile worker, started paused: `attack()` starts it, `pause()` resolves once its requests in flight are answered; `stop()` once. */
function startPausableHostile(tenant: Tenant) {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(join(__dirname, 'hostile-client.worker.js'), {
    workerData: { tenant, concurrency: HOSTILE_CONCURRENCY, kinds: KINDS, control: port2, spinDuty: SPIN_DUTY },
    transferList: [port2],
  });
  const report = new Promise<RoundResult['attack']>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const stop = async (): Promise<RoundResult['attack']> => {
    worker.postMessage('stop');
    try {
      return await report;
    } finally {
      port1.close();
      await worker.terminate();
    }
  };
  let stopped: Promise<RoundResult['attack']> | undefined;
  return {
    attack: () => port1.postMessage('resume'),
    pause: () =>
      new Promise<void>((resolve) => {
        port1.once('message', () => resolve());
        port1.postMessage('pause');
      }),
    stop: (): Promise<RoundResult['attack']> => (stopped ??= stop()),
  };
}

interface Samples {
  latencies: number[];
  cycles: number[];
  statuses: Record<number, number>;
  seconds: number;
  live: number[];
  loopMax: number;
  /** When each of the phase's slices ran (epoch ms), to pick its requests from the server's journal. */
  windows: [number, number][];
}

async function round(checkout: Checkout): Promise<RoundResult> {
  // A PGlite directory, or a database of its own on a PostgreSQL server, per round; removed at the end of the round.
  const store = await freshStore(process.env.DATABASE_URL ? 'postgresql' : 'pglite', process.env.DATABASE_URL);
  // The service in a process of its own, with its default limits, as a client outside this repo meets it.
  const service = await startService(checkout, store.env, undefined, 'default').catch(async (error) => {
    await store.remove();
    throw error;
  });
  const a = service.tenant;
  const b = await service.addTenant('tenant-b');
  const origin = service.origin;
  const hostile = startPausableHostile(a);
  try {
    await runEntraCycles(a, A_USERS, { concurrency: 8, requestsPerSecond: SEED_RATE, keepUsers: true });
    const samples: Record<Phase, Samples> = { undisturbed: noSamples(), disturbed: noSamples() };
    for (let slice = 0; slice < 2 * Math.ceil(USERS / SLICE_USERS); slice += 1) {
      const phase = PHASES[slice % 2];
      if (phase === 'disturbed') {
        hostile.attack();
        await delay(1000);
      }
      await runSlice(b, origin, samples[phase]);
      if (phase === 'disturbed') await hostile.pause();
    }
    const attack = await hostile.stop();
    // The journal is written a moment after each answer.
    await delay(1500);
    const serverTimes = await service.serverTimes('tenant-b', new Date(Math.min(...samples.undisturbed.windows.map(([from]) => from))));
    const serverTimesIn = (s: Samples, method?: string) =>
      serverTimes
        .filter(({ at, method: m }) => (method === undefined || m === method) && s.windows.some(([from, to]) => at.getTime() >= from && at.getTime() <= to))
        .map(({ durationMs }) => durationMs);
    const methods = [...new Set(serverTimes.map(({ method }) => method))].sort();
    const count = (statuses: Record<string, number>, match: (status: number) => boolean) =>
      Object.entries(statuses).reduce((sum, [status, n]) => sum + (match(Number(status)) ? n : 0), 0);
    const figures = (s: Samples): PhaseResult => ({
      p50: percentile(s.latencies, 50),
      p99: percentile(s.latencies, 99),
      serverP99: percentile(serverTimesIn(s), 99),
      serverP99ByMethod: Object.fromEntries(methods.map((method) => [method, percentile(serverTimesIn(s, method), 99)])),
      cycleP50: percentile(s.cycles, 50),
      cycleP99: percentile(s.cycles, 99),
      rate: s.latencies.length / s.seconds,
      bRefused: count(s.statuses, (status) => status === 429),
      bFailed: count(s.statuses, (status) => status >= 500),
      liveMax: Math.max(...s.live),
      liveP99: percentile(s.live, 99),
      loopMax: s.loopMax,
    });
    const aTimes = await service.serverTimes(a.url.slice(a.url.lastIndexOf('/') + 1), new Date(Math.min(...samples.disturbed.windows.map(([from]) => from))));
    return {
      phases: { undisturbed: figures(samples.undisturbed), disturbed: figures(samples.disturbed) },
      aClumps: clumps(aTimes.map(({ at }) => at.getTime()), samples.disturbed.windows),
      aRefused: count(attack.statuses, (s) => s === 429),
      aAnswered: Object.values(attack.statuses).reduce((x, y) => x + y, 0),
      attack,
    };
  } finally {
    await hostile.stop().catch(() => undefined);
    await service.stop();
    await store.remove();
  }
}

/** How many of `times` fall in each CLUMP_WINDOW_MS window of `windows` (epoch ms): p99 and max of those counts. */
function clumps(times: readonly number[], windows: readonly [number, number][]): RoundResult['aClumps'] {
  const counts = windows.flatMap(([from, to]) => {
    const perWindow = new Array<number>(Math.max(1, Math.ceil((to - from) / CLUMP_WINDOW_MS))).fill(0);
    for (const at of times) if (at >= from && at < to) perWindow[Math.floor((at - from) / CLUMP_WINDOW_MS)] += 1;
    return perWindow;
  });
  return { p99: percentile(counts, 99), max: Math.max(...counts) };
}

function noSamples(): Samples {
  return { latencies: [], cycles: [], statuses: {}, seconds: 0, live: [], loopMax: 0, windows: [] };
}

/** One slice of tenant B's cycles, /health/live probed meanwhile; adds what it saw to `into`. */
async function runSlice(b: Tenant, origin: string, into: Samples): Promise<void> {
  let done = false;
  const probing = (async () => {
    while (!done) {
      const started = performance.now();
      await httpCall(false, 'GET', `${origin}/health/live`, {});
      into.live.push(performance.now() - started);
      await delay(100);
    }
  })();
  // Reading the metrics resets the service's event-loop delay histogram: the next read gives this slice's longest delay.
  await eventLoopMaxMs(origin);
  const started = performance.now();
  const startedAt = Date.now();
  const cycle = await runEntraCycles(b, SLICE_USERS, { concurrency: CONCURRENCY, requestsPerSecond: B_RATE }).finally(() => (done = true));
  into.seconds += (performance.now() - started) / 1000;
  into.windows.push([startedAt, Date.now()]);
  const loopMax = await eventLoopMaxMs(origin);
  await probing;
  into.latencies.push(...cycle.latencies);
  into.cycles.push(...cycle.cycles);
  for (const [status, n] of Object.entries(cycle.statuses)) into.statuses[Number(status)] = (into.statuses[Number(status)] ?? 0) + n;
  into.loopMax = Math.max(into.loopMax, loopMax);
}

/** The service's longest event-loop delay since the previous scrape (prom-client's nodejs_eventloop_lag_max_seconds), in ms. */
async function eventLoopMaxMs(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return Number(/^nodejs_eventloop_lag_max_seconds(?:{[^}]*})? (\S+)$/m.exec(text)?.[1] ?? NaN) * 1000;
}

async function main(): Promise<void> {
  const rounds: RoundResult[] = [];
  const checkout = workingTree(process.cwd());
  for (let i = 1; i <= ROUNDS; i += 1) {
    const result = await round(checkout);
    rounds.push(result);
    for (const phase of PHASES) process.stderr.write(`round ${i} ${phase}: ${JSON.stringify(result.phases[phase])}\n`);
    process.stderr.write(`round ${i} A by kind: ${JSON.stringify(result.attack.byKind)}; A's requests per ${CLUMP_WINDOW_MS} ms: ${JSON.stringify(result.aClumps)}\n`);
  }
  const store = process.env.DATABASE_URL ? 'PostgreSQL server' : 'PGlite (embedded)';
  type Figure = Exclude<keyof PhaseResult, 'serverP99ByMethod'>;
  const m = (phase: Phase, key: Figure) => median(rounds.map((r) => r.phases[phase][key]));
  const slices = Math.ceil(USERS / SLICE_USERS);
  process.stdout.write(
    `Tenant B's Entra cycle, ${store}, ${slices} slices of ${SLICE_USERS} users per phase, alternating, ${CONCURRENCY} in flight, at most ${B_RATE} requests/s; ` +
      `${SPIN_DUTY === undefined ? `hostile tenant A: ${HOSTILE_CONCURRENCY} per kind (${KINDS.join(', ')})` : `no hostile client: a thread busy ${Math.round(SPIN_DUTY * 100)}% of the time`}; median of ${ROUNDS} rounds (load average before: ${loadavg()[0].toFixed(1)}):\n` +
      `  ${''.padEnd(12)} ${'B req/s'.padStart(8)} ${'B p50'.padStart(9)} ${'B p99'.padStart(9)} ${'server p99'.padStart(11)} ${'cycle p50'.padStart(10)} ${'cycle p99'.padStart(10)} ${'B 429'.padStart(6)} ${'B 5xx'.padStart(6)} ${'A 429'.padStart(7)} ${'A total'.padStart(8)} ${'live p99'.padStart(9)} ${'live max'.padStart(9)} ${'loop max'.padStart(9)}\n`,
  );
  const a = (key: 'aRefused' | 'aAnswered', phase: Phase) => (phase === 'disturbed' ? String(median(rounds.map((r) => r[key]))) : '0');
  for (const phase of PHASES) {
    const ms = (key: Figure, width: number) => `${m(phase, key).toFixed(0)} ms`.padStart(width);
    process.stdout.write(
      `  ${phase.padEnd(12)} ${m(phase, 'rate').toFixed(0).padStart(8)} ${ms('p50', 9)} ${ms('p99', 9)} ${ms('serverP99', 11)} ${ms('cycleP50', 10)} ${ms('cycleP99', 10)} ` +
        `${String(m(phase, 'bRefused')).padStart(6)} ${String(m(phase, 'bFailed')).padStart(6)} ${a('aRefused', phase).padStart(7)} ${a('aAnswered', phase).padStart(8)} ${ms('liveP99', 9)} ${ms('liveMax', 9)} ${ms('loopMax', 9)}\n`,
    );
  }
  // The ratio of each round (both phases met the same machine load), then their median.
  const ratio = (key: Figure) => median(rounds.map((r) => r.phases.disturbed[key] / r.phases.undisturbed[key]));
  process.stdout.write(
    `  disturbed / undisturbed p99 (target ≤ 2×), median of the rounds' ratios: per request ${ratio('p99').toFixed(2)}× (rounds: ${rounds.map((r) => (r.phases.disturbed.p99 / r.phases.undisturbed.p99).toFixed(2)).join(', ')}), as the server timed it ${ratio('serverP99').toFixed(2)}×, per user cycle ${ratio('cycleP99').toFixed(2)}×\n` +
      `  B's server p99 by method, undisturbed → disturbed (median of the rounds): ${byMethod(rounds)}\n` +
      `  A's requests received per ${CLUMP_WINDOW_MS} ms while B ran beside them (how much of A's work came at once): p99 ${median(rounds.map((r) => r.aClumps.p99))}, max ${median(rounds.map((r) => r.aClumps.max))}\n` +
      `  the hostile client's own thread was busy ${(median(rounds.map((r) => r.attack.busyShare)) * 100).toFixed(0)}% of its time (CPU the 2 cores give the load generator, not the server)\n`,
  );
}

/** Which of B's requests carry the tail, as the server timed them: `GET 3 → 5 ms, POST …`. */
function byMethod(rounds: readonly RoundResult[]): string {
  const methods = Object.keys(rounds[0].phases.disturbed.serverP99ByMethod);
  const at = (phase: Phase, method: string) => median(rounds.map((r) => r.phases[phase].serverP99ByMethod[method] ?? Number.NaN));
  return methods.map((method) => `${method} ${at('undisturbed', method)} → ${at('disturbed', method)} ms`).join(', ');
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
