import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux's clock ticks per second, the unit of /proc's CPU times. */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const ticksToMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;

/** CPU the whole machine spent busy (every core; not idle, not waiting for I/O), in ms. */
function machineBusyMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const total = fields.slice(0, 8).reduce((sum, ticks) => sum + ticks, 0);
  return ticksToMs(total - fields[3] - fields[4]);
}

/** utime + stime of a /proc stat file, in ms; 0 once the process or thread has exited. */
function statCpuMs(path: string): number {
  try {
    const stat = readFileSync(path, 'utf8');
    // After the name in parentheses (which may hold spaces), fields 14 and 15 (utime, stime) are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ticksToMs(Number(fields[11]) + Number(fields[12]));
  } catch {
    return 0;
  }
}

/** CPU of one process, every thread of it (the PGlite worker's included), in ms. */
export function processCpuMs(pid: number | undefined): number {
  return pid === undefined ? 0 : statCpuMs(`/proc/${pid}/stat`);
}

/** CPU of each thread of a process so far, in ms, by thread id. */
export function threadCpuMs(pid: number | undefined): Map<string, number> {
  if (pid === undefined) return new Map();
  try {
    return new Map(readdirSync(`/proc/${pid}/task`).map((tid) => [tid, statCpuMs(`/proc/${pid}/task/${tid}/stat`)]));
  } catch {
    return new Map();
  }
}

/** Where one phase's CPU went, per request, and what rate the machine's cores would allow at that cost. */
export interface CpuPerRequest {
  /** The service's processes (the API, and the worker when one runs). */
  readonly serviceMs: number;
  /** This process: the load generator. */
  readonly loadGeneratorMs: number;
  /** Every process of the machine: the service, the database server, the load generator and whatever else ran. */
  readonly machineMs: number;
  /** Share of the cores' time that was busy during the phase. */
  readonly machineBusy: number;
  /** Share of the phase the service's busiest thread was on a core (near 1: that one thread is the bound, whatever the cores). */
  readonly busiestThread: number;
  /** cores × 1000 / machineMs: the rate at which the cores would be saturated at this cost per request. */
  readonly ceilingPerSecond: number;
}

/**
 * Starts counting: the returned function, called after `requests` requests, says what they cost.
 * `serviceCpuMs` reads the service's processes' CPU, `serviceThreadsMs` its threads' (by thread id).
 */
export function startCpuMeter(serviceCpuMs: () => number, serviceThreadsMs: () => Map<string, number>): (requests: number) => CpuPerRequest {
  const started = { at: performance.now(), machine: machineBusyMs(), service: serviceCpuMs(), threads: serviceThreadsMs(), own: process.cpuUsage() };
  return (requests) => {
    const elapsedMs = performance.now() - started.at;
    const busiestMs = Math.max(0, ...[...serviceThreadsMs()].map(([tid, ms]) => ms - (started.threads.get(tid) ?? 0)));
    const own = process.cpuUsage(started.own);
    const machineMs = (machineBusyMs() - started.machine) / requests;
    return {
      serviceMs: (serviceCpuMs() - started.service) / requests,
      loadGeneratorMs: (own.user + own.system) / 1000 / requests,
      machineMs,
      machineBusy: (machineMs * requests) / (elapsedMs * cpus().length),
      busiestThread: busiestMs / elapsedMs,
      ceilingPerSecond: (cpus().length * 1000) / machineMs,
    };
  };
}
