import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** The built service and admin CLI, as `npm start` and `npm run admin` run them. */
export const BUILT_MAIN = join(__dirname, '../dist/apps/scim-api/src/main.js');
export const BUILT_CLI = join(__dirname, '../dist/apps/admin-cli/src/main.js');
export const isBuilt = existsSync(BUILT_MAIN) && existsSync(BUILT_CLI);

export interface RunningService {
  readonly pid: number;
  /** Everything it printed so far, stdout and stderr. */
  readonly output: string;
  /** Its exit code, once it exited (null while it runs, or when a signal ended it). */
  readonly exitCode: number | null;
  readonly exited: boolean;
  /** Sends the signal and waits for the exit (SIGKILL after 20 s). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const baseEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });

/** How the service is started: the built main.js by default; `npm start` in a checkout for the start-up tests. */
export interface ServiceCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
}

/** The Node flags of package.json's start script (`node <flags> <main>`): the young generation's size (README, "Garbage collection under attack"). */
const START_FLAGS = (JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .filter((word) => word.startsWith('--'));

const BUILT_SERVICE: ServiceCommand = { command: process.execPath, args: [...START_FLAGS, BUILT_MAIN] };

/** Starts the service; resolves when `until` matches its output, when it exits, or after `waitMs`. */
export function runService(env: Record<string, string>, until: RegExp, how = BUILT_SERVICE, waitMs = 45_000): Promise<RunningService> {
  // Its own process group: `npm start` runs the service as a grandchild, and a signal must reach it too.
  const child = spawn(how.command, how.args, { cwd: how.cwd, env: baseEnv(env), detached: true });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone already.
    }
  };
  let output = '';
  let exitCode: number | null = null;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    // 'close', not 'exit': after every process that shares its output (npm's child too) has ended.
    child.on('close', (code) => {
      exitCode = code;
      exited = true;
      resolve();
    }),
  );
  const service: RunningService = {
    pid: child.pid!,
    get output() {
      return output;
    },
    get exitCode() {
      return exitCode;
    },
    get exited() {
      return exited;
    },
    stop: async (signal = 'SIGTERM') => {
      if (exited) return;
      signalGroup(signal);
      const killer = setTimeout(() => signalGroup('SIGKILL'), 20_000);
      await exit;
      clearTimeout(killer);
    },
  };
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) resolve(service);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exit.then(() => resolve(service));
    setTimeout(() => resolve(service), waitMs).unref();
  });
}

/** Runs one admin CLI command to its end (without blocking: a running service's output must keep flowing); it speaks HTTP to ADMIN_URL. */
export function runCli(env: Record<string, string>, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { env: baseEnv(env), timeout: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

const handedOutPorts = new Set<number>();

/**
 * A port for a service under test: below Linux's ephemeral range (32768 and up by default), where
 * no outgoing connection takes its local port (one once held 33916 just as a worker under test was
 * to listen on it: EADDRINUSE), and never the same twice in one test file.
 */
export function randomPort(): string {
  let port: number;
  do port = 20000 + Math.floor(Math.random() * 12000);
  while (handedOutPorts.has(port));
  handedOutPorts.add(port);
  return String(port);
}

/** Polls an async check until it returns true or the time is up. */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(100);
  }
  return check();
}
