import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessagePort } from 'node:worker_threads';
import { createLogger } from '../logging/logger';
import { DatabaseUnavailableError } from './database-unavailable.error';
import { PgliteDatabase } from './pglite-database';
import { bumpCounter, CounterRefused, runStatement } from './pglite-procedure.fixture';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** About 400 MB of strings in the worker's heap: over the small limit the crash tests give it. */
const OUT_OF_MEMORY_QUERY = "SELECT repeat('x', 4000000) || g AS s FROM generate_series(1, 100) g";
const LONG_QUERY = 'SELECT count(*) FROM generate_series(1, 3000000) a JOIN generate_series(1, 3000000) b ON a = b';
const SMALL_HEAP_MB = 64;

/** A promise's outcome so far, without waiting for it. */
function track<T>(promise: Promise<T>): { settled: boolean; promise: Promise<T> } {
  const tracked = { settled: false, promise };
  promise.then(
    () => (tracked.settled = true),
    () => (tracked.settled = true),
  );
  return tracked;
}

/** A logger whose JSON lines land in `lines`. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

async function eventuallyAnswers(db: PgliteDatabase, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await db.query('SELECT 1');
      return;
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) || Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

describe('PgliteDatabase (PGlite in a worker thread)', () => {
  let db: PgliteDatabase;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL); CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0)');
  });
  afterAll(() => db?.close());
  beforeEach(() => db.exec('TRUNCATE t'));

  it('returns the types PGlite returns on the main thread: numbers, bigint as number, numeric as string, Date, JSON, arrays, bytes, null', async () => {
    const [row] = await db.query<Record<string, unknown>>(
      "SELECT $1::int AS i, $2::bigint AS b, 1.5::numeric AS n, $3::timestamptz AS d, $4::jsonb AS j, ARRAY['a','b'] AS a, '\\x0102'::bytea AS bytes, NULL::text AS nothing, $5::text AS s",
      [7, 9007199254740991, new Date('2026-01-02T03:04:05.678Z'), JSON.stringify({ x: [1, 'y'] }), 'ünïcödé'],
    );
    expect(row).toEqual({
      i: 7,
      b: 9007199254740991,
      n: '1.5',
      d: new Date('2026-01-02T03:04:05.678Z'),
      j: { x: [1, 'y'] },
      a: ['a', 'b'],
      bytes: new Uint8Array([1, 2]),
      nothing: null,
      s: 'ünïcödé',
    });
  });

  it('runs a script of several statements with exec', async () => {
    await db.exec("INSERT INTO t VALUES (1, 'a'); INSERT INTO t VALUES (2, 'b')");
    expect(await db.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('rejects a parameter that cannot be copied to the worker, and goes on answering', async () => {
    await expect(db.query('SELECT $1::text', [() => 1])).rejects.toThrow(/could not be cloned/);
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('commits a transaction when the work resolves and returns its result', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES ($1, $2)', [1, 'a']);
      await tx.exec("INSERT INTO t VALUES (2, 'b')");
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM t'))[0].n;
    });
    expect(result).toBe(2);
    expect(await db.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 2 }]);
  });

  it('rolls back when the work throws and rethrows the work\'s own error', async () => {
    const failure = new Error('the work failed');
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (1, 'a')");
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await db.query('SELECT * FROM t')).toEqual([]);
  });

  it.each([
    ['commits', true, 1],
    ['rolls back', false, 0],
  ])('runs no outside query inside an open transaction: it waits, then sees what the transaction %s', async (_outcome, commit, expected) => {
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const transaction = track(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (1, 'a')");
        await held;
        if (!commit) throw new Error('rolled back on purpose');
      }),
    );
    await sleep(50);
    const outside = track(db.query<{ n: number }>('SELECT count(*)::int AS n FROM t'));
    await sleep(300);
    expect(outside.settled).toBe(false);
    finish();
    await transaction.promise.catch(() => undefined);
    expect(await outside.promise).toEqual([{ n: expected }]);
  });

  it('queues concurrent transactions: each read-modify-write runs alone', async () => {
    await db.exec('UPDATE counter SET n = 0');
    const increment = () =>
      db.transaction(async (tx) => {
        const [{ n }] = await tx.query<{ n: number }>('SELECT n FROM counter');
        await sleep(20);
        await tx.query('UPDATE counter SET n = $1', [n + 1]);
      });
    await Promise.all(Array.from({ length: 8 }, increment));
    expect(await db.query('SELECT n FROM counter')).toEqual([{ n: 8 }]);
  });

  it('rejects SQL errors with the SQLSTATE and the fields PostgreSQL gives them, inside and outside transactions', async () => {
    await db.query("INSERT INTO t VALUES (1, 'a')");
    const duplicate = { name: 'error', code: '23505', severity: 'ERROR', constraint: 't_pkey', table: 't', schema: 'public', message: 'duplicate key value violates unique constraint "t_pkey"' };
    await expect(db.query("INSERT INTO t VALUES (1, 'b')")).rejects.toMatchObject(duplicate);
    await expect(db.transaction((tx) => tx.query("INSERT INTO t VALUES (1, 'b')"))).rejects.toMatchObject(duplicate);
    await expect(db.query('SELEC 1')).rejects.toMatchObject({ code: '42601', severity: 'ERROR' });
    await expect(db.exec('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    const error = await db.query('SELECT nope FROM t').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).stack).toMatch(/^\s+at /m);
  });

  it('refuses to commit a transaction whose statement failed even though the work caught it, as PGlite does', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (1, 'a')");
        await tx.query("INSERT INTO t VALUES (1, 'a')").catch(() => undefined);
      }),
    ).rejects.toThrow('Transaction was rolled back instead of committed');
    expect(await db.query('SELECT * FROM t')).toEqual([]);
  });

  it('rejects a query on the transaction handle after the transaction ended', async () => {
    let escaped!: { query(sql: string): Promise<unknown> };
    await db.transaction(async (tx) => void (escaped = tx));
    await expect(escaped.query('SELECT 1')).rejects.toThrow('Transaction is closed');
  });

  it.each([
    ['a long query', () => db.query(LONG_QUERY)],
    ['a procedure with a long query', () => db.runProcedure(runStatement, LONG_QUERY)],
  ])('keeps the event loop free while %s runs', async (_what, run) => {
    let longestGapMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    await run();
    const queryMs = performance.now() - started;
    clearInterval(ticker);
    // On the main thread the longest gap would be the whole query; generous for two busy cores.
    expect(queryMs).toBeGreaterThan(1000);
    expect(longestGapMs).toBeLessThan(queryMs / 2);
  });

  describe('procedures', () => {
    beforeEach(() => db.exec('UPDATE counter SET n = 0'));

    it('runs a procedure whole in the worker thread, in one message, and commits its transaction', async () => {
      const messages = jest.spyOn(MessagePort.prototype, 'postMessage');
      try {
        expect(await db.runProcedure(bumpCounter, { by: 2, limit: 10 })).toEqual({ count: 2, onMainThread: false });
        expect(messages).toHaveBeenCalledTimes(1);
      } finally {
        messages.mockRestore();
      }
      expect(await db.query('SELECT id, name FROM t')).toEqual([{ id: 2, name: 'bumped by 2' }]);
    });

    it('rolls the whole transaction back when the procedure throws, and the caller gets the error as its own class again', async () => {
      await db.runProcedure(bumpCounter, { by: 3, limit: 10 });
      const refusal = await db.runProcedure(bumpCounter, { by: 8, limit: 10 }).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(CounterRefused);
      expect(refusal).toMatchObject({ count: 11, refusedAt: new Date('2026-01-02T03:04:05.678Z') });
      expect(await db.query('SELECT n FROM counter')).toEqual([{ n: 3 }]);
      expect(await db.query('SELECT id FROM t')).toEqual([{ id: 3 }]);
    });

    it('keeps the SQL error of a failed statement, with its SQLSTATE', async () => {
      await expect(db.runProcedure(runStatement, 'SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
    });

    it('queues procedures and transactions alike: concurrent read-modify-writes each run alone', async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? db.runProcedure(bumpCounter, { by: 1, limit: 1000 }).then(() => undefined)
            : db.transaction(async (tx) => {
                const [{ n }] = await tx.query<{ n: number }>('SELECT n FROM counter');
                await tx.query('UPDATE counter SET n = $1', [n + 1]);
              }),
        ),
      );
      expect(await db.query('SELECT n FROM counter')).toEqual([{ n: 20 }]);
    });
  });
});

describe('PgliteDatabase on a data directory', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pglite-database-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes everything out on close: a reopened directory has it, and the closed one refuses queries', async () => {
    const first = await PgliteDatabase.open(dataDir);
    await first.exec('CREATE TABLE kept (id int)');
    await first.transaction((tx) => tx.query('INSERT INTO kept VALUES (1), (2)'));
    await first.close();
    await expect(first.query('SELECT 1')).rejects.toThrow('The database is closed');
    const second = await PgliteDatabase.open(dataDir);
    try {
      expect(await second.query('SELECT id FROM kept ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await second.close();
    }
  });

  it('when the worker dies, rejects the calls in flight with DatabaseUnavailableError, logs it, restarts and keeps every commit', async () => {
    const { lines, logger } = capturedLogger();
    const db = await PgliteDatabase.open(dataDir, { logger, maxHeapMb: SMALL_HEAP_MB });
    try {
      await db.exec('CREATE TABLE kept (id int)');
      await db.transaction((tx) => tx.query('INSERT INTO kept VALUES (1)'));
      const [crashing, queued] = [db.runProcedure(runStatement, OUT_OF_MEMORY_QUERY), db.query('SELECT 1')];
      await expect(crashing).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(queued).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(db.runProcedure(runStatement, 'SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(db.transaction((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(lines).toContainEqual(expect.objectContaining({ level: 50, err: expect.objectContaining({ code: 'ERR_WORKER_OUT_OF_MEMORY' }), restartInMs: 1000 }));

      await eventuallyAnswers(db, 90_000);
      expect(await db.query('SELECT id FROM kept')).toEqual([{ id: 1 }]);
      expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'the embedded database worker restarted' }));
    } finally {
      await db.close();
    }
  }, 150_000);
});

describe('PgliteDatabase in memory when the worker dies', () => {
  it('rejects the calls in flight and every later call with DatabaseUnavailableError (its data is gone) and logs it', async () => {
    const { lines, logger } = capturedLogger();
    const db = await PgliteDatabase.open(undefined, { logger, maxHeapMb: SMALL_HEAP_MB });
    try {
      const [crashing, queued] = [db.query(OUT_OF_MEMORY_QUERY), db.transaction((tx) => tx.query('SELECT 1'))];
      await expect(crashing).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(queued).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await sleep(1500);
      await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(lines).toEqual([expect.objectContaining({ level: 50, err: expect.objectContaining({ code: 'ERR_WORKER_OUT_OF_MEMORY' }), msg: expect.stringMatching(/in memory/) })]);
    } finally {
      await db.close();
    }
  });
});
