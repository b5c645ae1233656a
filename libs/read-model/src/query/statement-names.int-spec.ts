import { createEmptyDatabase } from '@app/platform/database/create-database';
import { PgDatabase } from '@app/platform/database/pg-database';
import { preparedStatements } from './statement-names';

const serverUrl = process.env.TEST_DATABASE_URL;

(serverUrl ? describe : describe.skip)('preparedStatements on a PostgreSQL server', () => {
  let db: PgDatabase;
  beforeAll(async () => {
    db = await PgDatabase.connect(await createEmptyDatabase(serverUrl!, 'scim_test'), { poolSize: 1 });
  });
  afterAll(() => db?.close());

  const prepared = async () =>
    (await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE NOT from_sql ORDER BY name')).map((r) => r.name);

  it('prepares the first texts once on the connection and runs the rest unnamed', async () => {
    const named = preparedStatements(db, 2);
    for (let i = 0; i < 3; i += 1) {
      expect(await named.query<{ n: number }>('SELECT $1::int + 1 AS n', [i])).toEqual([{ n: i + 1 }]);
      expect(await named.query<{ n: number }>('SELECT $1::int + 2 AS n', [i])).toEqual([{ n: i + 2 }]);
      expect(await named.query<{ n: number }>('SELECT $1::int + 3 AS n', [i])).toEqual([{ n: i + 3 }]);
    }
    expect(await prepared()).toHaveLength(2);
    await named.transaction(async (tx) => expect(await tx.query('SELECT $1::int + 1 AS n', [9])).toEqual([{ n: 10 }]));
    expect(await prepared()).toHaveLength(2);
  });
});
