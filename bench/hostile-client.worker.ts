import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { HostileKind, HostileReport, runHostileClient, Tenant } from './tenant-load';

/**
 * Runs the hostile client in its own thread, so that its own work does not weigh on the server's
 * event loop, until a message on the parent port; then posts its report. With a `control` port
 * (bench:noisy) it starts paused and answers 'resume' and 'pause' there, 'paused' once its requests
 * in flight are answered, so one server sees the attack come and go. With `spinDuty` (bench:noisy's
 * BENCH_SPIN_DUTY) it sends nothing and keeps the CPU busy that share of the time instead: what the
 * machine alone imposes on the other tenant when a third busy thread shares its cores.
 */
const { tenant, concurrency, kinds, control, spinDuty } = workerData as {
  tenant: Tenant;
  concurrency: number;
  kinds: HostileKind[];
  control?: MessagePort;
  spinDuty?: number;
};
/** Spinning comes in slices this long, the rest of each slice idle. */
const SPIN_SLICE_MS = 10;
let stopped = false;
let paused = control !== undefined;
const stints: HostileReport[] = [];
/** This thread's own time while attacking (its event loop's), to tell its CPU from the server's. */
let activeMs = 0;
let attackMs = 0;
let wake: (() => void) | undefined;
parentPort?.once('message', () => {
  stopped = true;
  wake?.();
});
control?.on('message', (message: 'pause' | 'resume') => {
  paused = message === 'pause';
  wake?.();
});

async function attack(): Promise<HostileReport & { busyShare: number }> {
  while (!stopped) {
    if (paused) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const before = performance.eventLoopUtilization();
    stints.push(spinDuty === undefined ? await runHostileClient(tenant, concurrency, () => stopped || paused, kinds) : await spin(spinDuty, () => stopped || paused));
    const { active, idle } = performance.eventLoopUtilization(before);
    activeMs += active;
    attackMs += active + idle;
    control?.postMessage('paused');
  }
  return { ...merge(stints), busyShare: attackMs > 0 ? activeMs / attackMs : 0 };
}

/** Busy `duty` of every SPIN_SLICE_MS until `stop()`, letting messages in between; reports no requests. */
async function spin(duty: number, stop: () => boolean): Promise<HostileReport> {
  while (!stop()) {
    const started = performance.now();
    while (performance.now() - started < SPIN_SLICE_MS * duty);
    await new Promise((resolve) => setTimeout(resolve, SPIN_SLICE_MS * (1 - duty)));
  }
  return { statuses: {}, byKind: {} };
}

function merge(reports: readonly HostileReport[]): HostileReport {
  const merged = { statuses: {} as Record<string, number>, byKind: {} as HostileReport['byKind'] };
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
  };
  for (const report of reports) {
    add(merged.statuses, report.statuses);
    for (const [kind, statuses] of Object.entries(report.byKind)) add((merged.byKind[kind as HostileKind] ??= {}), statuses);
  }
  return merged;
}

void attack().then((report) => {
  control?.close();
  parentPort?.postMessage(report);
});
