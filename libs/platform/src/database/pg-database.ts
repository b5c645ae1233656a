import { Pool, types } from 'pg';
import { SqlDatabase, SqlExecutor } from './sql-database';

// bigint columns (log positions) as JS numbers, as PGlite returns them; positions stay far below 2^53.
types.setTypeParser(20, (value) => Number(value));

/** A PostgreSQL server through a pg connection pool. */
export class PgDatabase implements SqlDatabase {
  private constructor(private readonly pool: Pool) {}

  static async connect(connectionString: string, maxConnections = 10): Promise<PgDatabase> {
    const pool = new Pool({ connectionString, max: maxConnections });
    await pool.query('SELECT 1');
    return new PgDatabase(pool);
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <Row>(sql: string, params: readonly unknown[] = []) =>
          (await client.query(sql, params as unknown[])).rows as Row[],
        exec: async (sql: string) => void (await client.query(sql)),
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
