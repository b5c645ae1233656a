import { parseArgs } from 'node:util';

export type StoreName = 'pglite' | 'postgresql';

/** What one `npm run bench` run measures; every figure has a flag so a run fits the time at hand. */
export interface BenchOptions {
  /** Users in the Entra initial cycle (GET filter + POST) and then the incremental one (GET + PATCH). */
  readonly users: number;
  /** User counts at which reads are measured; the users are created through POST /Users up to each. */
  readonly sizes: readonly number[];
  /** Each timed phase is cut into this many slices, run alternately on each revision; figures are medians over slices. */
  readonly rounds: number;
  /** Requests in flight in the cycles (Entra keeps several open). */
  readonly concurrency: number;
  /** Users in flight while creating users up to a size. */
  readonly seedConcurrency: number;
  /** Reads per query kind per size, one in flight: latency, not throughput. */
  readonly reads: number;
  /** POSTs each followed at once by a GET (read-your-writes) and timed to Kafka. */
  readonly probes: number;
  readonly stores: readonly StoreName[];
  /** A PostgreSQL server: each service gets an empty database of its own there. */
  readonly postgresUrl?: string;
  readonly kafkaBrokers?: string;
  /** A git revision run side by side with the working tree. */
  readonly baseline?: string;
  /** Restart each service with `npm start` at the end and time it to ready. */
  readonly restart: boolean;
  /** The run stops itself after this long. */
  readonly timeoutMinutes: number;
  readonly resultsDir: string;
}

const USAGE = `npm run bench -- [--users N] [--sizes N,N,…] [--rounds N] [--concurrency N] [--seed-concurrency N]
  [--reads N] [--probes N] [--stores pglite,postgresql] [--baseline <git revision>] [--no-restart]
  [--timeout-minutes N] [--results-dir DIR]
PostgreSQL: DATABASE_URL or TEST_DATABASE_URL names the server; Kafka: KAFKA_BROKERS.`;

/** Parses `argv` and the environment; throws with the usage on a bad flag. */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      users: { type: 'string', default: '1000' },
      sizes: { type: 'string', default: '1000,10000' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '8' },
      'seed-concurrency': { type: 'string', default: '16' },
      reads: { type: 'string', default: '200' },
      probes: { type: 'string', default: '100' },
      stores: { type: 'string' },
      baseline: { type: 'string' },
      'no-restart': { type: 'boolean', default: false },
      'timeout-minutes': { type: 'string', default: '60' },
      'results-dir': { type: 'string', default: 'bench/results' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const count = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, not ${text}\n${USAGE}`);
    return n;
  };
  const postgresUrl = env.DATABASE_URL || env.TEST_DATABASE_URL || undefined;
  const stores = (values.stores ?? (postgresUrl ? 'pglite,postgresql' : 'pglite')).split(',').map((s) => s.trim());
  for (const store of stores) if (store !== 'pglite' && store !== 'postgresql') throw new Error(`unknown store ${store}\n${USAGE}`);
  if (stores.includes('postgresql') && !postgresUrl) throw new Error(`--stores postgresql needs DATABASE_URL or TEST_DATABASE_URL\n${USAGE}`);
  const rounds = count('rounds', values.rounds, 1);
  return {
    users: count('users', values.users, rounds),
    sizes: values.sizes.split(',').map((s) => count('sizes', s.trim(), 1)).sort((a, b) => a - b),
    rounds,
    concurrency: count('concurrency', values.concurrency, 1),
    seedConcurrency: count('seed-concurrency', values['seed-concurrency'], 1),
    reads: count('reads', values.reads, rounds),
    probes: count('probes', values.probes, 1),
    stores: stores as StoreName[],
    postgresUrl,
    kafkaBrokers: env.KAFKA_BROKERS || undefined,
    baseline: values.baseline,
    restart: !values['no-restart'],
    timeoutMinutes: count('timeout-minutes', values['timeout-minutes'], 1),
    resultsDir: values['results-dir'],
  };
}
