import 'reflect-metadata';
import { AppConfig, loadConfig } from '@app/platform/config/app-config';
import { createEmptyDatabase } from '@app/platform/database/create-database';
import { createLogger } from '@app/platform/logging/logger';
import { openStores } from '@app/read-model/open-stores';
import { NO_RATE_LIMITS } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';
import { createScimApp } from '../apps/scim-api/src/create-app';
import { ensureProvider } from '../apps/scim-api/src/identity-providers/provider-bootstrap';

/**
 * SCIM request rates on this machine, over real HTTP on 127.0.0.1, with CONCURRENCY requests in
 * flight as Entra keeps several open: POST /Users (create, with uniqueness reservations and
 * read-your-writes), GET /Users?filter=userName eq (the matching query), PATCH (one Entra update).
 * Each phase runs ROUNDS times on a fresh store; medians are printed. Usage: npm run bench:scim
 * (add DATABASE_URL=postgres://… for a PostgreSQL server instead of embedded PGlite).
 */
const USERS = Number(process.env.BENCH_USERS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const silent = createLogger('silent');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/** With DATABASE_URL (a PostgreSQL server), every run gets an empty database of its own. */
async function freshDatabaseUrl(): Promise<string | undefined> {
  return process.env.DATABASE_URL ? createEmptyDatabase(process.env.DATABASE_URL, 'scim_bench') : undefined;
}

/** Runs `count` requests with `CONCURRENCY` in flight; returns requests/s and per-request latencies. */
async function load(count: number, request: (i: number) => Promise<Response>): Promise<{ rate: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const response = await request(i);
        if (response.status >= 300) throw new Error(`request ${i}: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { rate: count / ((performance.now() - started) / 1000), latencies };
}

async function round(): Promise<Record<string, { rate: number; p50: number; p99: number }>> {
  const token = `bench-token-${randomUUID()}`;
  const config: AppConfig = { ...loadConfig({}), port: 0, workerHealthPort: 0, host: '127.0.0.1', dataDir: ':memory:', databaseUrl: await freshDatabaseUrl(), logLevel: 'silent', maxResults: 100, bodyLimitBytes: 1 << 20, rateLimits: NO_RATE_LIMITS }; // request rates are what this measures: the limits would cap them
  const stores = await openStores(config, silent);
  await ensureProvider(stores, { providerId: 'bench', token, customAttributes: [] });
  const app = await createScimApp(config, silent, stores);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${port}/scim/v2/enterprise-idps/bench/Users`;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json; charset=utf-8' };
  const names = Array.from({ length: USERS }, (_, i) => `user${i}.${randomUUID()}@bench.example`);
  const ids: string[] = [];
  const results: Record<string, { rate: number; p50: number; p99: number }> = {};
  const record = (name: string, r: { rate: number; latencies: number[] }) =>
    (results[name] = { rate: r.rate, p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99) });
  try {
    record('POST /Users', await load(USERS, async (i) => {
      const response = await fetch(base, { method: 'POST', headers, body: JSON.stringify({ userName: names[i], externalId: randomUUID(), active: true, emails: [{ type: 'work', value: names[i], primary: true }], name: { givenName: 'Bench', familyName: `User ${i}` } }) });
      ids[i] = ((await response.clone().json()) as { id: string }).id;
      return response;
    }));
    record('GET /Users?filter=userName eq', await load(USERS, (i) => fetch(`${base}?filter=userName+eq+%22${encodeURIComponent(names[i])}%22`, { headers })));
    record('PATCH /Users/{id}', await load(USERS, (i) =>
      fetch(`${base}/${ids[i]}`, { method: 'PATCH', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'displayName', value: `Renamed ${i}` }, { op: 'Replace', path: 'emails[type eq "work"].value', value: `r.${names[i]}` }] }) }),
    ));
  } finally {
    await app.close();
    await stores.close();
  }
  return results;
}

async function main(): Promise<void> {
  const rounds = [];
  for (let i = 1; i <= ROUNDS; i += 1) {
    rounds.push(await round());
    process.stderr.write(`round ${i}: ${JSON.stringify(rounds.at(-1))}\n`);
  }
  const store = process.env.DATABASE_URL ? 'PostgreSQL server' : 'PGlite (embedded)';
  process.stdout.write(`SCIM over HTTP, ${store}, ${USERS} users, ${CONCURRENCY} in flight, median of ${ROUNDS} rounds:\n`);
  for (const phase of Object.keys(rounds[0])) {
    const rate = median(rounds.map((r) => r[phase].rate));
    const p50 = median(rounds.map((r) => r[phase].p50));
    const p99 = median(rounds.map((r) => r[phase].p99));
    process.stdout.write(`  ${phase.padEnd(30)} ${rate.toFixed(0).padStart(6)} requests/s   p50 ${p50.toFixed(1)} ms   p99 ${p99.toFixed(1)} ms\n`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
