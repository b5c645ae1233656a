import { createEmptyDatabase } from '@app/platform/database/create-database';
import { PgDatabase } from '@app/platform/database/pg-database';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { SqlDatabase } from '@app/platform/database/sql-database';
import { compileFilter } from '@app/read-model/query/filter-to-sql';
import { compileSort } from '@app/read-model/query/sort-to-sql';
import { preparedStatements } from '@app/read-model/query/statement-names';
import { seedSyntheticUsers, syntheticUserId, syntheticUserName } from '@app/read-model/query/synthetic-users';
import { migrateReadModel } from '@app/read-model/store/read-model-schema';
import { UserReadModel } from '@app/read-model/store/user-read-model';
import { parseFilter } from '@app/scim/filter/filter-parser';
import { UserSchema } from '@app/scim/schema/user-schema';

/**
 * Read-model query latency, one query at a time, with the read model's own SQL run unnamed (parsed
 * and planned on every call) and as named prepared statements (preparedStatements), alternating in each
 * round so that both see the same machine. Usage: npm run bench:build && node
 * dist-bench/bench/read-queries.bench.js (add DATABASE_URL=postgres://… for a PostgreSQL server;
 * PGlite ignores statement names, so there both columns measure the same thing).
 */
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SCHEMA = UserSchema.withCustomAttributes([]);
const ORDER = compileSort(SCHEMA, undefined, undefined);

const percentile = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const median = (xs: readonly number[]) => percentile(xs, 50);
const randomUser = () => 1 + Math.floor(Math.random() * USERS);

const list = (users: UserReadModel, filter: string, startIndex = 1) =>
  users.list('p1', { where: compileFilter(SCHEMA, parseFilter(filter), 2), orderBy: ORDER, startIndex, count: 100 });

const QUERIES: Readonly<Record<string, (users: UserReadModel) => Promise<unknown>>> = {
  'by id': (users) => users.findById('p1', syntheticUserId(randomUser())),
  'userName eq': (users) => list(users, `userName eq "${syntheticUserName(randomUser()).toLowerCase()}"`),
  'externalId eq': (users) => list(users, `externalId eq "ext-${randomUser()}"`),
  'work email eq': (users) => list(users, `emails[type eq "work"].value eq "${syntheticUserName(randomUser())}"`),
  'manager check': (users) => {
    const i = randomUser();
    return list(users, `id eq "${syntheticUserId(i)}" and manager eq "${syntheticUserId(Math.floor(i / 10))}"`);
  },
};

async function latencies(users: UserReadModel, query: (users: UserReadModel) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const started = performance.now();
    await query(users);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ? await createEmptyDatabase(process.env.DATABASE_URL, 'scim_bench') : undefined;
  const db: SqlDatabase = url ? await PgDatabase.connect(url) : await PgliteDatabase.open();
  await migrateReadModel(db);
  await seedSyntheticUsers(db, { p1: USERS });
  const modes = { unnamed: new UserReadModel(db), prepared: new UserReadModel(preparedStatements(db, 50)) };
  const samples: Record<string, Record<string, number[][]>> = {};
  for (const [name, query] of Object.entries(QUERIES)) {
    samples[name] = { unnamed: [], prepared: [] };
    // Warm-up: connections open, statements prepared, caches hot.
    for (const users of Object.values(modes)) await latencies(users, query);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [mode, users] of Object.entries(modes)) samples[name][mode].push(await latencies(users, query));
    }
  }
  await db.close();
  const store = url ? 'PostgreSQL' : 'PGlite';
  console.log(`${store}, ${USERS} users, ${ITERATIONS} queries × ${ROUNDS} rounds per cell, one at a time (median of round medians; p99 of all)`);
  console.log('| query | unnamed p50 | prepared p50 | prepared/unnamed | unnamed p99 | prepared p99 |');
  console.log('|---|---|---|---|---|---|');
  const results = Object.entries(samples).map(([name, byMode]) => {
    const p50 = (mode: string) => median(byMode[mode].map(median));
    const p99 = (mode: string) => percentile(byMode[mode].flat(), 99);
    const row = { query: name, unnamedP50: p50('unnamed'), preparedP50: p50('prepared'), unnamedP99: p99('unnamed'), preparedP99: p99('prepared') };
    const ms = (x: number) => `${x.toFixed(3)} ms`;
    console.log(`| ${name} | ${ms(row.unnamedP50)} | ${ms(row.preparedP50)} | ${(row.preparedP50 / row.unnamedP50).toFixed(2)} | ${ms(row.unnamedP99)} | ${ms(row.preparedP99)} |`);
    return row;
  });
  console.log(JSON.stringify({ store, users: USERS, iterations: ITERATIONS, rounds: ROUNDS, results }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
