import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { BenchOptions, parseBenchOptions, StoreName } from './bench-options';
import { startCpuMeter } from './cpu-meter';
import { markdownTable, StoreResults } from './bench-results';
import { durabilitySettings, freshStore, FreshStore } from './bench-stores';
import { KafkaLag } from './kafka-lag';
import { Checkout, revisionCheckout, workingTree } from './revision-checkout';
import { countUsers, KnownUser, listUsers, probeReadYourWrites, readLatencies, runIncrementalCycle, TenantClient, Timed } from './scim-reads-writes';
import { RunningService, startService } from './service-process';
import { percentile, runEntraCycles } from './tenant-load';

/**
 * npm run bench: the service as Entra drives it, over HTTP on 127.0.0.1, on each store; with
 * --baseline, a git revision beside the working tree, both services up at once and every phase run
 * on each in turn (order swapped each time) so the machine's noise falls on both. See bench/README.md.
 */
const ROOT = join(__dirname, '..', '..');

interface Side {
  readonly service: RunningService;
  readonly client: TenantClient;
  readonly label: string;
  known: KnownUser[];
  /** Users this run created through the Entra initial cycle (GET filter + POST), and the seconds it took. */
  created: { users: number; seconds: number };
}

const log = (message: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function addTimed(results: StoreResults, phase: string, label: string, timed: Timed): void {
  results.add(`${phase}: rate`, 'requests/s', 'higher', label, timed.latencies.length / timed.seconds);
  results.add(`${phase}: p50`, 'ms', 'lower', label, percentile(timed.latencies, 50));
  results.add(`${phase}: p99`, 'ms', 'lower', label, percentile(timed.latencies, 99));
  results.add(`${phase}: non-2xx answers`, 'count', 'lower', label, timed.failures);
}

/**
 * Runs a phase and adds, besides its figures, what bounds its rate: the CPU each request cost the
 * service, the load generator and the whole machine, how busy the cores were, and the rate at which
 * that cost would saturate them (a rate near it is CPU-bound).
 */
async function measuredPhase(results: StoreResults, phase: string, side: Side, run: () => Promise<Timed>): Promise<Timed> {
  const cpu = startCpuMeter(() => side.service.cpuMs(), () => side.service.apiThreadsCpuMs());
  const timed = await run();
  const cost = cpu(timed.latencies.length);
  addTimed(results, phase, side.label, timed);
  results.add(`${phase}: CPU per request, the service`, 'ms', 'lower', side.label, cost.serviceMs);
  results.add(`${phase}: CPU per request, the load generator`, 'ms', 'lower', side.label, cost.loadGeneratorMs);
  results.add(`${phase}: CPU per request, the whole machine (database server included)`, 'ms', 'lower', side.label, cost.machineMs);
  results.add(`${phase}: cores busy`, '%', 'higher', side.label, cost.machineBusy * 100);
  results.add(`${phase}: the service's busiest thread on a core`, '%', 'higher', side.label, cost.busiestThread * 100);
  results.add(`${phase}: rate that saturates the cores at that CPU per request`, 'requests/s', 'higher', side.label, cost.ceilingPerSecond);
  return timed;
}

async function entraCycle(side: Side, users: number, concurrency: number): Promise<Timed> {
  const started = performance.now();
  const report = await runEntraCycles(side.service.tenant, users, { concurrency, keepUsers: true });
  const failures = Object.entries(report.statuses).reduce((n, [status, count]) => n + (Number(status) >= 300 ? count : 0), 0);
  const seconds = (performance.now() - started) / 1000;
  side.created = { users: side.created.users + users, seconds: side.created.seconds + seconds };
  return { latencies: report.latencies, seconds, failures };
}

async function benchStore(store: StoreName, checkouts: readonly Checkout[], options: BenchOptions, results: StoreResults): Promise<void> {
  const stores: FreshStore[] = [];
  const sides: Side[] = [];
  let flip = false;
  /** Runs `step` on each side, the order swapped on every call. */
  const alternately = async (what: string, step: (side: Side) => Promise<void>) => {
    const order = flip ? [...sides].reverse() : sides;
    flip = !flip;
    for (const side of order) {
      log(`${store} ${side.label}: ${what}`);
      await step(side);
    }
  };
  const reads = async (side: Side, size: number) => {
    const total = await countUsers(side.client);
    for (const [kind, timed] of Object.entries(await readLatencies(side.client, total, Math.ceil(options.reads / options.rounds)))) {
      results.add(`read at ${size} users, ${kind}: p50`, 'ms', 'lower', side.label, percentile(timed.latencies, 50));
      results.add(`read at ${size} users, ${kind}: p99`, 'ms', 'lower', side.label, percentile(timed.latencies, 99));
    }
  };
  try {
    for (const checkout of checkouts) {
      const fresh = await freshStore(store, options.postgresUrl);
      stores.push(fresh);
      const kafka = options.kafkaBrokers ? { brokers: options.kafkaBrokers, topic: `scim-bench-${randomUUID()}` } : undefined;
      const service = await startService(checkout, fresh.env, kafka);
      sides.push({ service, client: new TenantClient(service.tenant), label: checkout.label, known: [], created: { users: 0, seconds: 0 } });
      results.add('first start to ready (empty store)', 'ms', 'lower', checkout.label, service.readyMs);
      // Before any request: what creating the store costs (PGlite's initdb, or copying the build's template).
      results.add('peak RSS, scim-api at ready after the first start', 'MB', 'lower', checkout.label, service.peakRssMb().api);
    }
    const slice = Math.floor(options.users / options.rounds);
    for (let round = 0; round < options.rounds; round += 1) {
      await alternately(`initial cycle ${round + 1}/${options.rounds}`, async (side) => {
        await measuredPhase(results, `initial cycle (GET filter + POST), ${options.concurrency} in flight`, side, () => entraCycle(side, slice, options.concurrency));
      });
    }
    for (const side of sides) side.known = await listUsers(side.client, slice * options.rounds);
    for (let round = 0; round < options.rounds; round += 1) {
      await alternately(`incremental cycle ${round + 1}/${options.rounds}`, async (side) => {
        const users = side.known.slice(round * slice, (round + 1) * slice);
        await measuredPhase(results, `incremental cycle (GET id + PATCH), ${options.concurrency} in flight`, side, () => runIncrementalCycle(side.client, users, options.concurrency));
      });
    }
    await alternately(`${options.probes} read-your-writes probes`, (side) => probe(side, options, results));
    for (const size of options.sizes) {
      const missing = Math.max(0, size - (await countUsers(sides[0].client)));
      for (let round = 0; round < options.rounds && missing > 0; round += 1) {
        await alternately(`create users up to ${size} ${round + 1}/${options.rounds}`, async (side) => {
          const count = round === options.rounds - 1 ? size - (await countUsers(side.client)) : Math.floor(missing / options.rounds);
          await measuredPhase(results, `create users up to ${size} (GET filter + POST), ${options.seedConcurrency} in flight`, side, () => entraCycle(side, count, options.seedConcurrency));
        });
      }
      for (let round = 0; round < options.rounds; round += 1) await alternately(`reads at ${size} users ${round + 1}/${options.rounds}`, (side) => reads(side, size));
    }
    // The issue's "100k-user initial cycle": every user of the run went through GET filter + POST (the read-your-writes probes aside).
    for (const side of sides) {
      results.add(`initial cycle of all ${side.created.users} users created (the cycles' and the sizes' phases summed): time`, 's', 'lower', side.label, side.created.seconds);
    }
    const rss = (when: string) => {
      for (const side of sides) {
        const peak = side.service.peakRssMb();
        results.add(`peak RSS, scim-api ${when}`, 'MB', 'lower', side.label, peak.api);
        if (peak.worker !== undefined) results.add('peak RSS, scim-worker', 'MB', 'lower', side.label, peak.worker);
      }
    };
    rss('(first start on an empty store, then all of the above)');
    if (!options.restart) return;
    const largest = options.sizes.at(-1)!;
    for (let round = 0; round < options.rounds; round += 1) {
      await alternately(`restart with npm start ${round + 1}/${options.rounds}`, async (side) => {
        const restart = await side.service.restartWithNpmStart();
        results.add(`restart to ready (npm start, built, ${largest} users)`, 'ms', 'lower', side.label, restart.readyMs);
        for (const [phase, ms] of Object.entries(restart.phases)) results.add(`  of which logged start-up phase: ${phase}`, 'ms', 'lower', side.label, ms);
      });
    }
    rss('(restarted on its data)');
  } finally {
    for (const side of sides) side.client.close();
    await Promise.all(sides.map((side) => side.service.stop()));
    await Promise.all(stores.map((s) => s.remove()));
  }
}

/** Read-your-writes and, with Kafka, the publish lag of the same POSTs. */
async function probe(side: Side, options: BenchOptions, results: StoreResults): Promise<void> {
  const kafka = side.service.kafkaTopic && options.kafkaBrokers ? await KafkaLag.follow(options.kafkaBrokers, side.service.kafkaTopic) : undefined;
  try {
    const report = await probeReadYourWrites(side.client, options.probes, (id, at) => kafka?.responded(id, at));
    results.add('read-your-writes: POST → GET filter finds it, p99', 'ms', 'lower', side.label, percentile(report.visibility, 99));
    results.add('read-your-writes: first GET missed the user', 'count', 'lower', side.label, report.missedFirstRead);
    if (!kafka) return;
    const { lags, missing } = await kafka.lags(30_000);
    results.add('Kafka: POST response → consumer has the event, p50', 'ms', 'lower', side.label, percentile(lags, 50));
    results.add('Kafka: POST response → consumer has the event, p99', 'ms', 'lower', side.label, percentile(lags, 99));
    results.add('Kafka: events not received within 30 s', 'count', 'lower', side.label, missing);
  } finally {
    await kafka?.stop();
  }
}

/** A server URL without its credentials, for the results file. */
const hostOnly = (url: string | undefined) => (url ? new URL(url).host : undefined);

async function main(): Promise<void> {
  const options = ((): BenchOptions => {
    try {
      return parseBenchOptions(process.argv.slice(2), process.env);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(2);
    }
  })();
  const watchdog = setTimeout(() => {
    log(`still running after --timeout-minutes ${options.timeoutMinutes}: stopping`);
    process.exit(3);
  }, options.timeoutMinutes * 60_000);
  watchdog.unref();
  const startedAt = new Date().toISOString();
  const load = [loadavg()[0]];
  const checkouts = [workingTree(ROOT), ...(options.baseline ? [revisionCheckout(ROOT, options.baseline)] : [])];
  const labels = checkouts.map((c) => c.label);
  const all: StoreResults[] = [];
  for (const store of options.stores) {
    const results = new StoreResults(store);
    if (store === 'postgresql') Object.assign(results.notes, await durabilitySettings(options.postgresUrl!));
    await benchStore(store, checkouts, options, results);
    all.push(results);
  }
  load.push(loadavg()[0]);
  const revisions = checkouts.map((c) => `${c.label} ${c.revision}`).join(', ');
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  const header = `${command}\n${revisions}; ${cpus().length} cores, load average ${load.map((l) => l.toFixed(1)).join(' → ')}; Node ${process.version}; Kafka ${options.kafkaBrokers ? 'on' : 'off'}`;
  process.stdout.write(`\n${header}\n`);
  for (const results of all) {
    const notes = Object.entries(results.notes).map(([k, v]) => `${k}=${v}`).join(', ');
    process.stdout.write(`\n${results.store}${notes ? ` (${notes})` : ''}\n\n${markdownTable(results.table(labels))}\n`);
  }
  const dir = resolve(ROOT, options.resultsDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.replace(/[:.]/g, '-')}-${checkouts.map((c) => c.revision).join('-vs-')}.json`);
  writeFileSync(file, `${JSON.stringify({ command, startedAt, finishedAt: new Date().toISOString(), checkouts, cores: cpus().length, loadAverage: load, node: process.version, options: { ...options, postgresUrl: hostOnly(options.postgresUrl) }, stores: all }, null, 2)}\n`);
  process.stdout.write(`\nJSON: ${file}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
