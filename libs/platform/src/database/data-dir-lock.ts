import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The lock's name inside the data directory (PGlite ignores files it does not know). */
export const DATA_DIR_LOCK_FILE = 'scim-ingress.lock';

/** The kind of process that opens an embedded data directory. */
export type DataDirRole = 'server' | 'cli' | 'worker';

/** What a lock file records about its holder; `id` tells one acquisition from another with the same pid. */
export interface DataDirHolder {
  readonly id: string;
  readonly pid: number;
  readonly hostname: string;
  readonly role: DataDirRole;
  readonly startedAt: string;
}

/** Exclusive ownership of an embedded data directory, held until `release` or the end of the process. */
export interface DataDirLock {
  readonly path: string;
  readonly holder: DataDirHolder;
  /** Removes the lock file if it is still this holder's; safe to call more than once. */
  release(): Promise<void>;
}

/** Another live process, or a process on another host, holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
    readonly lockPath: string,
  ) {
    super(lockedMessage(dataDir, holder, lockPath));
    this.name = 'DataDirLockedError';
  }
}

const ROLE_NAMES: Record<DataDirRole, string> = { server: 'the SCIM server', cli: 'the operator CLI', worker: 'scim-worker' };
// Long enough for a racing starter to finish a takeover (milliseconds of work) on a loaded machine.
const RETRY_FOR_MS = 5_000;
const RETRY_EVERY_MS = 50;
// btime has whole seconds and clocks drift: a holder's own start is always before its lock, by far less than this.
const START_TIME_SLACK_MS = 5_000;
const heldHere = new Set<string>();

/**
 * Takes the data directory for this process before PGlite opens it, or throws DataDirLockedError
 * naming the holder. A lock whose process is gone from this host is taken over; one from another
 * host never is (its pid means nothing here).
 */
export async function acquireDataDirLock(dataDir: string, role: DataDirRole): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, DATA_DIR_LOCK_FILE);
  const me: DataDirHolder = { id: randomUUID(), pid: process.pid, hostname: hostname(), role, startedAt: new Date().toISOString() };
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    if (await createExclusive(path, me)) return hold(path, me);
    const holder = await readHolder(path, dataDir);
    if (holder) {
      if (!isStale(holder)) throw new DataDirLockedError(dataDir, holder, path);
      if (await takeOver(path, holder, me, dataDir)) return hold(path, me);
    }
    if (Date.now() > deadline) throw new Error(`Could not take the lock ${path}: other processes kept changing it for ${RETRY_FOR_MS / 1000} s`);
    await sleep(RETRY_EVERY_MS);
  }
}

function isStale(holder: DataDirHolder): boolean {
  if (holder.hostname !== hostname() || heldHere.has(holder.id)) return false;
  // Our own pid in a lock we never took: an earlier process that had it (a restarted container's pid 1).
  if (holder.pid === process.pid || !isAlive(holder.pid)) return true;
  // A live pid that started after the lock was written was reused since the holder died.
  const started = processStartMs(holder.pid);
  return started !== undefined && started > Date.parse(holder.startedAt) + START_TIME_SLACK_MS;
}

/** When a process started, from Linux's /proc (field 22 of stat, in 1/100 s since boot); undefined elsewhere. */
function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    const started = (bootSeconds + startTicks / 100) * 1000;
    return Number.isFinite(started) ? started : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Replaces a stale lock with ours. Only the starter that creates the takeover marker named after the
 * stale lock's id may replace it, so two starters racing for one stale lock cannot both win, and a
 * slow one that arrives after the takeover finds a lock it did not judge and backs off.
 */
async function takeOver(path: string, stale: DataDirHolder, me: DataDirHolder, dataDir: string): Promise<boolean> {
  const marker = `${path}.takeover-${stale.id}`;
  if (!(await createExclusive(marker, me))) {
    const taker = await readHolder(marker, dataDir);
    if (taker && taker.hostname === hostname() && !isAlive(taker.pid)) throw interruptedTakeover(dataDir, path, marker, taker);
    return false;
  }
  const next = `${path}.${me.id}.next`;
  try {
    if ((await readHolder(path, dataDir))?.id !== stale.id) return false;
    await writeNew(next, me);
    await rename(next, path);
    return true;
  } finally {
    await unlink(next).catch(() => undefined);
    await unlink(marker).catch(() => undefined);
  }
}

/** O_EXCL creation with the holder written and synced; false when the file exists. */
async function createExclusive(path: string, holder: DataDirHolder): Promise<boolean> {
  try {
    await writeNew(path, holder);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function writeNew(path: string, holder: DataDirHolder): Promise<void> {
  const file = await open(path, 'wx');
  try {
    await file.writeFile(JSON.stringify(holder));
    await file.sync();
  } catch (error) {
    await unlink(path).catch(() => undefined);
    throw error;
  } finally {
    await file.close();
  }
}

/** The holder, or undefined when the file is gone; waits out a creator that has not written yet. */
async function readHolder(path: string, dataDir: string): Promise<DataDirHolder | undefined> {
  const deadline = Date.now() + 1_000;
  for (;;) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const holder = parseHolder(text);
    if (holder) return holder;
    if (Date.now() > deadline) {
      throw new Error(`The lock ${path} of data directory ${dataDir} is unreadable; if no SCIM process uses the directory, delete the file`);
    }
    await sleep(RETRY_EVERY_MS);
  }
}

function parseHolder(text: string): DataDirHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<DataDirHolder>;
    const complete =
      typeof value.id === 'string' &&
      /^[0-9a-f-]{36}$/.test(value.id) &&
      Number.isSafeInteger(value.pid) &&
      typeof value.hostname === 'string' &&
      typeof value.role === 'string' &&
      typeof value.startedAt === 'string';
    return complete ? (value as DataDirHolder) : undefined;
  } catch {
    return undefined;
  }
}

function hold(path: string, holder: DataDirHolder): DataDirLock {
  heldHere.add(holder.id);
  // process.exit() skips every close handler; the lock must not outlive the process that way either.
  const releaseOnExit = () => {
    try {
      releaseNow(path, holder.id);
    } catch {
      // Nothing is left to report to at exit; the next starter judges the lock by its pid.
    }
  };
  process.once('exit', releaseOnExit);
  return {
    path,
    holder,
    release: async () => {
      process.removeListener('exit', releaseOnExit);
      releaseNow(path, holder.id);
    },
  };
}

function releaseNow(path: string, id: string): void {
  heldHere.delete(id);
  try {
    if (parseHolder(readFileSync(path, 'utf8'))?.id === id) unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function lockedMessage(dataDir: string, holder: DataDirHolder, lockPath: string): string {
  const who = `${ROLE_NAMES[holder.role] ?? holder.role}, pid ${holder.pid} on host ${holder.hostname} since ${holder.startedAt}`;
  if (holder.hostname !== hostname()) {
    return (
      `Data directory ${dataDir} is locked by ${who}. A lock from another host is never taken over: ` +
      `once no process on ${holder.hostname} uses the directory, delete ${lockPath}`
    );
  }
  return (
    `Data directory ${dataDir} is in use by ${who}; stop it first. An embedded data directory serves one process at a time ` +
    `(with DATABASE_URL, operator commands run beside the servers)`
  );
}

function interruptedTakeover(dataDir: string, path: string, marker: string, taker: DataDirHolder): Error {
  return new Error(
    `A takeover of the stale lock of data directory ${dataDir} by pid ${taker.pid} was interrupted; ` +
      `if no SCIM process uses the directory, delete ${path} and ${marker}`,
  );
}
