import { PrivatePostgres } from '@app/testing/private-postgres';
import { createEmptyDatabase } from './create-database';
import { DatabaseUnavailableError } from './database-unavailable.error';
import { PgDatabase } from './pg-database';

const TIMEOUT_MS = 1000;
// Generous: two cores shared by every suite running at the time.
const MARGIN_MS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long `operation` took to settle, and how. */
async function timed<T>(operation: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await operation();
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

async function eventuallyAnswers(db: PgDatabase, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await db.query('SELECT 1');
      return;
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) || Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

describe('PgDatabase when the PostgreSQL server fails', () => {
  let server: PrivatePostgres;
  let db: PgDatabase;

  beforeAll(async () => {
    server = await PrivatePostgres.create();
  });
  afterAll(async () => {
    await server?.destroy();
  });
  beforeEach(async () => {
    db = await PgDatabase.connect(await createEmptyDatabase(server.url, 'pg_faults'), { timeoutMs: TIMEOUT_MS, poolSize: 4 });
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
  });
  afterEach(async () => {
    await server.thaw();
    await db.close();
  });

  // Jest fails a test on an uncaught exception: an idle connection's unhandled 'error' would fail these.
  it.each(['fast', 'immediate'] as const)(
    'survives a %s shutdown with idle and checked-out connections, fails fast while down, and reconnects by itself',
    async (mode) => {
      await Promise.all([1, 2, 3].map(() => db.query('SELECT pg_sleep(0.05)')));
      const inTransaction = db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (1)');
        await server.stop({ mode });
        await tx.query('INSERT INTO t VALUES (2)');
      });
      await expect(inTransaction).rejects.toBeInstanceOf(DatabaseUnavailableError);

      const whileDown = await timed(() => db.query('SELECT 1'));
      expect(whileDown.error).toBeInstanceOf(DatabaseUnavailableError);
      expect((whileDown.error as DatabaseUnavailableError).reason).toBe('unreachable');
      expect(whileDown.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);

      await server.start();
      await eventuallyAnswers(db);
      // The transaction the shutdown broke never committed: its first row is not there.
      expect(await db.query('SELECT id FROM t')).toEqual([]);
      await db.transaction((tx) => tx.query('INSERT INTO t VALUES (3)'));
      expect(await db.query('SELECT id FROM t')).toEqual([{ id: 3 }]);
    },
  );

  it('bounds every wait on a frozen server by the timeout, then fails fast, and recovers after the thaw', async () => {
    await db.query('SELECT 1');
    await server.freeze();
    const first = await Promise.all([1, 2, 3, 4, 5, 6].map(() => timed(() => db.query('SELECT 1'))));
    for (const outcome of first) {
      expect(outcome.error).toBeInstanceOf(DatabaseUnavailableError);
      expect(outcome.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
    const transaction = await timed(() => db.transaction((tx) => tx.query('INSERT INTO t VALUES (1)')));
    expect(transaction.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(transaction.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    // The silent server opened the breaker: of the next operations at most one (a probe) waits on the server.
    const next = await Promise.all([1, 2, 3, 4, 5].map(() => timed(() => db.query('SELECT 1'))));
    for (const outcome of next) expect(outcome.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(next.filter((outcome) => outcome.ms < 300).length).toBeGreaterThanOrEqual(4);

    await server.thaw();
    await eventuallyAnswers(db);
    await db.transaction((tx) => tx.query('INSERT INTO t VALUES (2)'));
    expect(await db.query('SELECT id FROM t WHERE id = 2')).toEqual([{ id: 2 }]);
  });

  it('rejects, never resolves, a transaction whose COMMIT the server did not answer', async () => {
    const outcome = await timed(() =>
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (1)');
        await server.freeze();
      }),
    );
    expect(outcome.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(outcome.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    await server.thaw();
    await eventuallyAnswers(db);
    // The connection that went silent was destroyed rather than pooled: no session is left in the transaction.
    const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'");
    expect(n).toBe(0);
  });

  it('answers a slow statement with a timeout from the server, which does not open the breaker', async () => {
    for (let i = 0; i < 4; i++) {
      const slow = await timed(() => db.query('SELECT pg_sleep(5)'));
      expect(slow.error).toEqual(new DatabaseUnavailableError('timeout'));
      expect(slow.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
    const next = await timed(() => db.query('SELECT 1'));
    expect(next.value).toEqual([{ '?column?': 1 }]);
  });

  it('a lock held past the timeout answers a timeout, not a wait', async () => {
    let release: () => void = () => undefined;
    const holding = db.transaction(async (tx) => {
      await tx.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
      await new Promise<void>((resolve) => (release = resolve));
    });
    await sleep(100);
    const blocked = await timed(() => db.transaction((tx) => tx.query('INSERT INTO t VALUES (1)')));
    expect(blocked.error).toEqual(new DatabaseUnavailableError('timeout'));
    release();
    await holding;
  });

  it('gives a transaction that asks for it (a migration) longer than the configured timeout', async () => {
    const slow = (tx: { query: (sql: string) => Promise<unknown> }) => tx.query('SELECT pg_sleep(1.5)');
    await expect(db.transaction(slow)).rejects.toEqual(new DatabaseUnavailableError('timeout'));
    await expect(db.transaction(slow, { timeoutMs: 10_000 })).resolves.toEqual([{ pg_sleep: '' }]);
  });

  it('closes within the timeout even when the server is frozen', async () => {
    await db.query('SELECT 1');
    await server.freeze();
    const closing = await timed(() => db.close());
    expect(closing.error).toBeUndefined();
    expect(closing.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it('lets SQL errors through as they are and keeps the pool usable', async () => {
    await db.query('INSERT INTO t VALUES (1)');
    await expect(db.query('INSERT INTO t VALUES (1)')).rejects.toMatchObject({ code: '23505' });
    await expect(db.transaction((tx) => tx.query('INSERT INTO t VALUES (1)'))).rejects.toMatchObject({ code: '23505' });
    await expect(db.query('SELEKT 1')).rejects.toMatchObject({ code: '42601' });
    expect(await db.query('SELECT id FROM t')).toEqual([{ id: 1 }]);
  });

  it('never reports as committed a transaction that PostgreSQL rolled back at COMMIT', async () => {
    const swallowed = db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (7)');
      await tx.query('SELECT 1/0').catch(() => undefined);
    });
    await expect(swallowed).rejects.toThrow(/rolled back at COMMIT/);
    expect(await db.query('SELECT id FROM t')).toEqual([]);
  });

  it('fails to connect at start with DatabaseUnavailableError when nothing listens', async () => {
    await expect(PgDatabase.connect('postgres://postgres@127.0.0.1:1/postgres', { timeoutMs: TIMEOUT_MS })).rejects.toEqual(
      new DatabaseUnavailableError('unreachable'),
    );
  });
});
