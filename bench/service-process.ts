import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processCpuMs, threadCpuMs } from './cpu-meter';
import type { Checkout } from './revision-checkout';
import type { Tenant } from './tenant-load';

/** Where one service keeps its data: a PGlite directory, or a database of its own on a PostgreSQL server. */
export type StoreEnv = { readonly DATA_DIR: string } | { readonly DATABASE_URL: string };

/** A service started from a checkout's build, listening on 127.0.0.1 with one bench IdP. */
export interface RunningService {
  readonly checkout: Checkout;
  /** Where it listens, for /health and /metrics. */
  readonly origin: string;
  readonly tenant: Tenant;
  /** Registers another IdP through the admin API, with SCIM on and a token. */
  addTenant(providerId: string): Promise<Tenant>;
  /** The time the server took for each SCIM request to `providerId` received from `from` on (its request journal, through the admin API). */
  serverTimes(providerId: string, from: Date): Promise<ServerTime[]>;
  /** The topic it publishes to, when Kafka is on. */
  readonly kafkaTopic?: string;
  /** From spawn to GET /health/ready answering 200, in ms. */
  readonly readyMs: number;
  /** Peak resident set (VmHWM) of the API process running now and, when one runs, the worker process, in MB. */
  peakRssMb(): { api: number; worker?: number };
  /** CPU the API process (every thread) and the worker process have used so far, in ms. */
  cpuMs(): number;
  /** CPU of each of the API process's threads so far (the main thread, PGlite's, libuv's), in ms by thread id. */
  apiThreadsCpuMs(): Map<string, number>;
  /** SIGTERM to each process; resolves once they have exited. */
  stop(): Promise<void>;
  /** Stops the API, starts it again with `npm start` in its checkout, and times it to ready. */
  restartWithNpmStart(): Promise<Restart>;
}

export interface ServerTime {
  /** When the server received the request. */
  readonly at: Date;
  /** From receiving it to answering it, in ms (whole ms). */
  readonly durationMs: number;
  readonly method: string;
}

export interface Restart {
  readonly readyMs: number;
  /** The phases the API logs as `startupMs` when it is listening (revisions that log them). */
  readonly phases: Record<string, number>;
}

const READY_TIMEOUT_MS = 180_000;

interface Process {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Process groups still running: killed when the bench exits, however it exits. */
const running = new Set<number>();
process.once('exit', () => {
  for (const group of running) signalGroup(group, 'SIGKILL');
});
// A signal would end the bench without 'exit' handlers; exiting runs them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // Already gone.
  }
}

function startProcess(command: string, args: string[], cwd: string, env: Record<string, string>): Process {
  // A process group of its own, so that `npm start`'s child gets the signal too.
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child.pid!);
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-8_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      running.delete(child.pid!);
      resolve();
    }),
  );
  const signal = (name: NodeJS.Signals) => signalGroup(child.pid!, name);
  return {
    child,
    output: () => tail,
    async stop() {
      signal('SIGTERM');
      const killer = setTimeout(() => signal('SIGKILL'), 20_000);
      await closed;
      clearTimeout(killer);
    },
  };
}

async function untilReady(url: string, process: Process, started: number): Promise<number> {
  while (performance.now() - started < READY_TIMEOUT_MS) {
    if (process.child.exitCode !== null || process.child.signalCode !== null) break;
    const status = await fetch(url).then((r) => (r.arrayBuffer(), r.status)).catch(() => 0);
    if (status === 200) return performance.now() - started;
    await sleep(20);
  }
  await process.stop();
  throw new Error(`${url} not ready; the process said:\n${process.output()}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** BENCH_SERVICE_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles`: a CPU profile of each service process, written when it stops. */
const nodeArgs = () => (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
/**
 * The Node flags of the checkout's `npm start` (its package.json start script, `node <flags> <main>`), so
 * each revision's service runs as it is started in production (the image's CMD is checked to match).
 */
function startScriptFlags(dir: string): string[] {
  const words = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ').filter(Boolean);
  return words[0] === 'node' ? words.slice(1).filter((word) => word.startsWith('--')) : [];
}
/** BENCH_SERVICE_ENV (`NAME=value NAME=value`): settings for the service processes, to compare configurations in one bench. */
const serviceEnv = (): Record<string, string> =>
  Object.fromEntries((process.env.BENCH_SERVICE_ENV ?? '').split(' ').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));

async function addTenant(origin: string, adminToken: string, providerId: string): Promise<Tenant> {
  const admin = async (path: string, body: object) => {
    const response = await fetch(`${origin}/admin/v1/identity-providers${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  await admin('', { displayName: providerId, providerId });
  await admin(`/${providerId}/enable-scim`, {});
  const { token } = await admin(`/${providerId}/tokens`, {});
  return { url: `${origin}/scim/v2/enterprise-idps/${providerId}`, token: String(token) };
}

async function serverTimes(origin: string, adminToken: string, providerId: string, from: Date): Promise<ServerTime[]> {
  const times: ServerTime[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ providerId, from: from.toISOString(), limit: '1000', ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${origin}/admin/v1/journal?${query}`, { headers: { Authorization: `Bearer ${adminToken}` } });
    if (!response.ok) throw new Error(`GET /admin/v1/journal: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { entries: { at: string; durationMs: number; method: string }[]; nextCursor?: string };
    times.push(...page.entries.map((entry) => ({ at: new Date(entry.at), durationMs: entry.durationMs, method: entry.method })));
    cursor = page.nextCursor;
  } while (cursor);
  return times;
}

/** The process of `group` that runs `script`, a path relative to a checkout (`npm start` runs the API as its grandchild, under a shell). */
function processRunning(group: number, script: string): number | undefined {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 5 of /proc/<pid>/stat is the process group; the name in field 2 may hold spaces, so split after it.
      const inGroup = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === group;
      if (inGroup && readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').some((arg) => arg === script || arg.endsWith(`/${script}`))) return Number(entry);
    } catch {
      // It ended while being looked at.
    }
  }
  return undefined;
}

function peakRssMb(pid: number | undefined): number {
  const status = pid ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

/** The limits a throughput bench lifts: it goes faster than any IdP is allowed to. */
const NO_RATE_LIMITS = {
  RATE_LIMIT_PER_TOKEN: '0',
  RATE_LIMIT_PER_IDP: '0',
  RATE_LIMIT_BODY_BYTES_PER_IDP: '0',
  RATE_LIMIT_SEARCHES_PER_IDP: '0',
  SCIM_MAX_IN_FLIGHT_PER_IDP: '0',
};

/**
 * Starts `checkout`'s built API (and, with PostgreSQL and Kafka, its scim-worker, which publishes
 * there), with one IdP `bench`; without rate limits unless `limits` is `'default'`.
 */
export async function startService(
  checkout: Checkout,
  store: StoreEnv,
  kafka?: { brokers: string; topic: string },
  limits: 'off' | 'default' = 'off',
): Promise<RunningService> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const token = `bench-${randomUUID()}`;
  const adminToken = `bench-admin-${randomUUID()}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ADMIN_TOKEN: adminToken,
    SCIM_BOOTSTRAP_PROVIDER_ID: 'bench',
    SCIM_BOOTSTRAP_TOKEN: token,
    ...(limits === 'off' ? NO_RATE_LIMITS : {}),
    ...store,
    ...(kafka ? { KAFKA_BROKERS: kafka.brokers, KAFKA_TOPIC: kafka.topic } : {}),
    ...serviceEnv(),
  };
  const ready = `${origin}/health/ready`;
  const main = (app: string) => join(checkout.dir, 'dist', 'apps', app, 'src', 'main.js');
  let started = performance.now();
  let api = startProcess(process.execPath, [...startScriptFlags(checkout.dir), ...nodeArgs(), main('scim-api')], checkout.dir, env);
  const readyMs = await untilReady(ready, api, started);
  const apiPid = () => processRunning(api.child.pid!, 'dist/apps/scim-api/src/main.js');
  let worker: Process | undefined;
  if (kafka && 'DATABASE_URL' in store) {
    const workerPort = await freePort();
    worker = startProcess(process.execPath, [...nodeArgs(), main('scim-worker')], checkout.dir, { ...env, WORKER_HEALTH_PORT: String(workerPort) });
    await untilReady(`http://127.0.0.1:${workerPort}/health/ready`, worker, performance.now()).catch(async (error) => {
      await api.stop();
      throw error;
    });
  }
  return {
    checkout,
    origin,
    tenant: { url: `${origin}/scim/v2/enterprise-idps/bench`, token },
    addTenant: (providerId) => addTenant(origin, adminToken, providerId),
    serverTimes: (providerId, from) => serverTimes(origin, adminToken, providerId, from),
    kafkaTopic: kafka?.topic,
    readyMs,
    peakRssMb: () => ({ api: peakRssMb(apiPid()), ...(worker ? { worker: peakRssMb(worker.child.pid) } : {}) }),
    cpuMs: () => processCpuMs(apiPid()) + processCpuMs(worker?.child.pid),
    apiThreadsCpuMs: () => threadCpuMs(apiPid()),
    stop: async () => {
      await Promise.all([api.stop(), worker?.stop()]);
    },
    async restartWithNpmStart() {
      await api.stop();
      started = performance.now();
      // At info level the API logs its start-up phases; no request is timed from here on.
      api = startProcess('npm', ['start'], checkout.dir, { ...env, LOG_LEVEL: 'info' });
      const readyMs = await untilReady(ready, api, started);
      const phases = /"startupMs":(\{[^}]*\})/.exec(api.output())?.[1];
      return { readyMs, phases: phases ? (JSON.parse(phases) as Record<string, number>) : {} };
    },
  };
}
