import { Pool, PoolClient, QueryConfig, QueryResult, types } from 'pg';
import pino, { Logger } from 'pino';
import { DatabaseConfig, loadConfig } from '../config/app-config';
import { CircuitBreaker } from './circuit-breaker';
import { DatabaseUnavailableError } from './database-unavailable.error';
import { pgUnavailability } from './pg-unavailability';
import { SqlDatabase, SqlExecutor, TransactionOptions } from './sql-database';

// bigint columns (log positions) as JS numbers, as PGlite returns them; positions stay far below 2^53.
types.setTypeParser(20, (value) => Number(value));

/** Consecutive silent-server failures that open the breaker, and how long it then fails fast. */
const BREAKER_THRESHOLD = 3;
const BREAKER_COOLDOWN_MS = 1000;

export interface PgDatabaseOptions extends Partial<DatabaseConfig> {
  readonly logger?: Logger;
}

/**
 * A PostgreSQL server through a pg connection pool, hardened for a server that goes away: no wait
 * on it exceeds `timeoutMs`, connection loss and timeouts reject with DatabaseUnavailableError, a
 * dropped connection never crashes the process, a broken connection never goes back to the pool,
 * and the pool reconnects by itself when the server is back.
 */
export class PgDatabase implements SqlDatabase {
  private readonly breaker = new CircuitBreaker(BREAKER_THRESHOLD, BREAKER_COOLDOWN_MS);
  private lastAnswerAt = Date.now();

  private constructor(
    private readonly pool: Pool,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    // Without these listeners a connection the server drops (shutdown, crash, restart) is an uncaught 'error'.
    pool.on('error', (error) => this.logger.warn({ cause: describe(error) }, 'an idle database connection failed; the pool dropped it'));
    // A checked-out connection that fails says so on its next statement; this only keeps the event from crashing.
    pool.on('connect', (client) => client.on('error', () => undefined));
  }

  static async connect(connectionString: string, options: PgDatabaseOptions = {}): Promise<PgDatabase> {
    const { timeoutMs, poolSize } = { ...loadConfig({}).database, ...options };
    // The server gives up on a slow statement before the client gives up on a silent server, so a
    // client-side timeout means the server stopped answering rather than a query being slow.
    const serverTimeoutMs = Math.round(timeoutMs * 0.8);
    const pool = new Pool({
      connectionString,
      max: poolSize,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      statement_timeout: serverTimeoutMs,
      lock_timeout: serverTimeoutMs,
      idle_in_transaction_session_timeout: timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: timeoutMs,
    });
    const db = new PgDatabase(pool, timeoutMs, options.logger ?? pino({ level: 'silent' }));
    try {
      await db.query('SELECT 1');
    } catch (error) {
      await db.close();
      throw error;
    }
    return db;
  }

  async query<Row>(sql: string, params: readonly unknown[] = [], name?: string): Promise<Row[]> {
    const result = await this.guarded(() => this.pool.query({ name, text: sql, values: params as unknown[] }));
    return result.rows as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.guarded(() => this.pool.query(sql));
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.guarded(() => this.begin(options), (late) => late.release(true));
    let broken = false;
    const run = async (sql: string, params?: readonly unknown[], name?: string): Promise<QueryResult> => {
      try {
        // pg reads a per-query query_timeout that its type definitions do not declare.
        const query: QueryConfig & { query_timeout?: number } = { name, text: sql, values: params as unknown[], query_timeout: options.timeoutMs };
        return await client.query(query);
      } catch (error) {
        const unavailable = this.account(error);
        broken ||= unavailable !== undefined;
        throw unavailable ?? error;
      }
    };
    try {
      const result = await work({
        query: async <Row>(sql: string, params: readonly unknown[] = [], name?: string) => (await run(sql, params, name)).rows as Row[],
        exec: async (sql: string) => void (await run(sql)),
      });
      // COMMIT of a transaction that already failed answers ROLLBACK instead of an error: never report that as done.
      const commit = await run('COMMIT');
      if (commit.command !== 'COMMIT') throw new Error(`The transaction was rolled back at COMMIT (${commit.command})`);
      client.release();
      return result;
    } catch (error) {
      // A connection that failed or went silent mid-transaction is destroyed (release(true)), never handed out again.
      const rolledBack = !broken && (await run('ROLLBACK').then(() => true, () => false));
      client.release(!rolledBack);
      throw error;
    }
  }

  async close(): Promise<void> {
    // A frozen server never acknowledges the goodbye; do not let that hold a shutdown.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.timeoutMs)));
    await Promise.race([this.pool.end().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }

  /** A pooled connection inside BEGIN, or an error (the connection destroyed); bounded as a whole by guarded(). */
  private async begin(options: TransactionOptions): Promise<PoolClient> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Longer work (migrations) lifts the server-side limits for this transaction only.
      if (options.timeoutMs !== undefined) {
        await client.query(`SET LOCAL statement_timeout = ${Math.round(options.timeoutMs)}; SET LOCAL lock_timeout = ${Math.round(options.timeoutMs)}`);
      }
      return client;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  /**
   * Runs one operation under the breaker and a deadline of `timeoutMs` (which covers waiting for a
   * pooled connection too). An operation that outlives the deadline still reports to the breaker,
   * and `abandon` disposes of what it yields late.
   */
  private guarded<T>(operation: () => Promise<T>, abandon: (late: T) => void = () => undefined): Promise<T> {
    if (!this.breaker.admit()) return Promise.reject(new DatabaseUnavailableError('unreachable'));
    const accounted = operation().then(
      (value) => {
        this.answered();
        return value;
      },
      (error) => {
        throw this.account(error) ?? error;
      },
    );
    return new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new DatabaseUnavailableError('timeout'));
      }, this.timeoutMs);
      accounted.then(
        (value) => {
          clearTimeout(timer);
          if (late) abandon(value);
          else resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          if (!late) reject(error);
        },
      );
    });
  }

  /** Tells the breaker what an error says about the server; returns it as DatabaseUnavailableError when it is one. */
  private account(error: unknown): DatabaseUnavailableError | undefined {
    const unavailable = pgUnavailability(error);
    const evidence = unavailable?.evidence ?? 'answered';
    // A pool that stayed full for a whole timeout with no statement answered meanwhile waits on a silent server.
    const silent = evidence === 'silent' || (evidence === 'pool-wait' && Date.now() - this.lastAnswerAt >= this.timeoutMs);
    if (evidence === 'answered') this.answered();
    else if (!silent) this.breaker.inconclusive();
    else if (this.breaker.failed()) {
      this.logger.error({ cause: describe(error), retryInMs: BREAKER_COOLDOWN_MS }, 'the database is unreachable; failing fast until it answers again');
    }
    return unavailable?.error;
  }

  private answered(): void {
    this.lastAnswerAt = Date.now();
    if (this.breaker.succeeded()) this.logger.info('the database answers again');
  }
}

// Connection errors only: never the statement or its parameters, which may hold user values.
function describe(error: unknown): { message: string; code?: string } {
  const { message, code } = error as { message?: unknown; code?: unknown };
  return { message: String(message), ...(typeof code === 'string' ? { code } : {}) };
}
