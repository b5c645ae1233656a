import { temporaryDirectories } from '@app/testing/temporary-directories';
import { transformFileSync } from '@swc/core';
import { ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DATA_DIR_LOCK_FILE, DataDirHolder, DataDirLockedError } from './data-dir-lock';

const temporaryDirectory = temporaryDirectories();

const freshDir = () => temporaryDirectory('scim-lock-');
const lockOf = (dir: string) => join(dir, DATA_DIR_LOCK_FILE);
const readLock = (dir: string) => JSON.parse(readFileSync(lockOf(dir), 'utf8')) as DataDirHolder;

function holder(overrides: Partial<DataDirHolder>): DataDirHolder {
  return { id: randomUUID(), pid: process.pid, hostname: hostname(), role: 'server', startedAt: '2026-12-01T08:00:00.000Z', ...overrides };
}

function writeLock(dir: string, lock: DataDirHolder | string, file = DATA_DIR_LOCK_FILE): void {
  writeFileSync(join(dir, file), typeof lock === 'string' ? lock : JSON.stringify(lock));
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const { pid, status } = spawnSync(process.execPath, ['-e', '']);
  expect(status).toBe(0);
  return pid;
}

async function thrownBy(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('acquireDataDirLock', () => {
  it('takes a fresh directory, recording pid, host, role and start time, and gives it back on release', async () => {
    const dir = join(freshDir(), 'data');
    const lock = await acquireDataDirLock(dir, 'cli');
    const recorded = readLock(dir);
    expect(recorded).toEqual({ id: expect.any(String), pid: process.pid, hostname: hostname(), role: 'cli', startedAt: expect.any(String) });
    expect(Date.now() - Date.parse(recorded.startedAt)).toBeLessThan(60_000);
    expect(lock.holder).toEqual(recorded);
    await lock.release();
    expect(existsSync(lockOf(dir))).toBe(false);
    await lock.release();
  });

  it('refuses a directory held by a live process, naming the holder, and leaves its lock alone', async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const held = holder({ pid: child.pid!, startedAt: new Date().toISOString() });
      writeLock(dir, held);
      const error = await thrownBy(acquireDataDirLock(dir, 'cli'));
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect(error.message).toBe(
        `Data directory ${dir} is in use by the SCIM server, pid ${child.pid} on host ${hostname()} since ${held.startedAt}; stop it first. ` +
          'An embedded data directory serves one process at a time (with DATABASE_URL, operator commands run beside the servers)',
      );
      expect(readLock(dir)).toEqual(held);
      expect(readdirSync(dir)).toEqual([DATA_DIR_LOCK_FILE]);
    } finally {
      child.kill();
    }
  });

  it('refuses a second acquisition in the same process', async () => {
    const dir = freshDir();
    const lock = await acquireDataDirLock(dir, 'server');
    try {
      const error = await thrownBy(acquireDataDirLock(dir, 'cli'));
      expect(error.message).toContain(`in use by the SCIM server, pid ${process.pid}`);
      expect(readLock(dir).id).toBe(lock.holder.id);
    } finally {
      await lock.release();
    }
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = freshDir();
    writeLock(dir, holder({ pid: deadPid(), role: 'cli' }));
    const lock = await acquireDataDirLock(dir, 'server');
    expect(readLock(dir)).toEqual(lock.holder);
    expect(readdirSync(dir)).toEqual([DATA_DIR_LOCK_FILE]);
    await lock.release();
  });

  it('takes over a lock whose pid now belongs to a process that started after the lock was written', async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeLock(dir, holder({ pid: child.pid!, startedAt: new Date(Date.now() - 3_600_000).toISOString() }));
      const lock = await acquireDataDirLock(dir, 'server');
      expect(readLock(dir).id).toBe(lock.holder.id);
      await lock.release();
    } finally {
      child.kill();
    }
  });

  it('takes over a lock with its own pid that it never took: an earlier process with the same pid, as in a restarted container', async () => {
    const dir = freshDir();
    writeLock(dir, holder({ pid: process.pid }));
    const lock = await acquireDataDirLock(dir, 'server');
    expect(readLock(dir).id).toBe(lock.holder.id);
    await lock.release();
  });

  it('never takes over a lock from another host, and says how to clear it', async () => {
    const dir = freshDir();
    const foreign = holder({ pid: deadPid(), hostname: 'scim-host-b' });
    writeLock(dir, foreign);
    const error = await thrownBy(acquireDataDirLock(dir, 'server'));
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect(error.message).toBe(
      `Data directory ${dir} is locked by the SCIM server, pid ${foreign.pid} on host scim-host-b since 2026-12-01T08:00:00.000Z. ` +
        `A lock from another host is never taken over: once no process on scim-host-b uses the directory, delete ${lockOf(dir)}`,
    );
    expect(readLock(dir)).toEqual(foreign);
  });

  it('lets exactly one of many concurrent acquirers in one process win a stale lock', async () => {
    for (let round = 0; round < 10; round++) {
      const dir = freshDir();
      writeLock(dir, holder({ pid: deadPid() }));
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => acquireDataDirLock(dir, 'server')));
      const winners = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      expect(winners).toHaveLength(1);
      expect(readLock(dir).id).toBe(winners[0].holder.id);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(DataDirLockedError);
      expect(readdirSync(dir)).toEqual([DATA_DIR_LOCK_FILE]);
      await winners[0].release();
    }
  });

  it('lets exactly one of several processes racing for a stale lock win, and the others name it', async () => {
    const work = freshDir();
    compileLockModule(work);
    writeFileSync(
      join(work, 'racer.js'),
      `const { acquireDataDirLock } = require('./lock.js');
       process.on('message', (m) => {
         if (m === 'exit') process.exit(0);
         acquireDataDirLock(m, 'server').then((l) => process.send('won ' + l.holder.pid), (e) => process.send('lost ' + e.message));
       });
       process.send('ready');`,
    );
    const racers = Array.from({ length: 4 }, () => fork(join(work, 'racer.js'), [], { execArgv: [] }));
    try {
      await Promise.all(racers.map((r) => nextMessage(r)));
      for (let round = 0; round < 3; round++) {
        const dir = freshDir();
        writeLock(dir, holder({ pid: deadPid() }));
        const answers = racers.map((r) => nextMessage(r));
        for (const racer of racers) racer.send(dir);
        const results = await Promise.all(answers);
        const won = results.filter((r) => r.startsWith('won '));
        expect(won).toHaveLength(1);
        const winnerPid = Number(won[0].slice(4));
        expect(readLock(dir).pid).toBe(winnerPid);
        for (const lost of results.filter((r) => !r.startsWith('won '))) expect(lost).toContain(`in use by the SCIM server, pid ${winnerPid}`);
        // The winner keeps its lock for later rounds: each round uses a new directory.
      }
    } finally {
      for (const racer of racers) racer.send('exit');
    }
  });

  it('is released when the process exits without closing anything', async () => {
    const dir = freshDir();
    const work = freshDir();
    compileLockModule(work);
    const run = spawnSync(process.execPath, ['-e', `require('./lock.js').acquireDataDirLock(${JSON.stringify(dir)}, 'cli').then(() => process.exit(3))`], {
      cwd: work,
    });
    expect(run.status).toBe(3);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('release leaves a lock that is no longer its own', async () => {
    const dir = freshDir();
    const lock = await acquireDataDirLock(dir, 'server');
    const other = holder({ pid: 1 });
    writeLock(dir, other);
    await lock.release();
    expect(readLock(dir)).toEqual(other);
  });

  it('refuses an unreadable lock, saying how to clear it', async () => {
    const dir = freshDir();
    writeLock(dir, 'not json');
    const error = await thrownBy(acquireDataDirLock(dir, 'server'));
    expect(error.message).toBe(`The lock ${lockOf(dir)} of data directory ${dir} is unreadable; if no SCIM process uses the directory, delete the file`);
    expect(readFileSync(lockOf(dir), 'utf8')).toBe('not json');
  });

  it('refuses a stale lock whose takeover died half-way, naming both files to delete', async () => {
    const dir = freshDir();
    const stale = holder({ pid: deadPid() });
    const taker = holder({ pid: deadPid() });
    writeLock(dir, stale);
    writeLock(dir, taker, `${DATA_DIR_LOCK_FILE}.takeover-${stale.id}`);
    const error = await thrownBy(acquireDataDirLock(dir, 'server'));
    expect(error.message).toBe(
      `A takeover of the stale lock of data directory ${dir} by pid ${taker.pid} was interrupted; ` +
        `if no SCIM process uses the directory, delete ${lockOf(dir)} and ${lockOf(dir)}.takeover-${stale.id}`,
    );
    expect(readLock(dir)).toEqual(stale);
  });
});

/** This module as plain JavaScript, for child processes that race with real pids. */
function compileLockModule(dir: string): void {
  const { code } = transformFileSync(join(__dirname, 'data-dir-lock.ts'), {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  writeFileSync(join(dir, 'lock.js'), code);
}

function nextMessage(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(String(m)));
    child.once('exit', (code) => reject(new Error(`racer exited with ${code}`)));
  });
}
