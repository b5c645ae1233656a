import 'reflect-metadata';
import { decideProvision } from '@app/identity/user/user.decide';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { KafkaPublisher } from '@app/integration-events/kafka/kafka-publisher.adapter';
import { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import { InMemoryRelayCheckpoint } from '@app/integration-events/relay/relay-checkpoint';
import { startKafkaRelay } from '@app/integration-events/start-relay';
import { AppConfig, loadConfig } from '@app/platform/config/app-config';
import { createEmptyDatabase } from '@app/platform/database/create-database';
import { createLogger } from '@app/platform/logging/logger';
import { openStores, Stores } from '@app/read-model/open-stores';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createScimApp } from '../apps/scim-api/src/create-app';
import { ensureProvider } from '../apps/scim-api/src/identity-providers/provider-bootstrap';

/**
 * Kafka relay figures on this machine, against the broker in KAFKA_BROKERS:
 *  1. publish throughput: a log pre-filled with N events, relayed from position 0 (events/s);
 *  2. end-to-end latency: SCIM POST response → the consumer has the message (p50/p99), with the
 *     relay running in-process as in embedded mode.
 * Each is run ROUNDS times; the medians are printed. Usage: npm run bench:kafka
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const silent = createLogger('silent');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/** With DATABASE_URL (a PostgreSQL server), every run gets an empty database of its own. */
async function freshDatabaseUrl(): Promise<string | undefined> {
  return process.env.DATABASE_URL ? createEmptyDatabase(process.env.DATABASE_URL, 'scim_bench') : undefined;
}

async function fillLog(stores: Stores, count: number): Promise<void> {
  const metadata = { occurredAt: new Date().toISOString() };
  for (let i = 0; i < count; i += 1) {
    const userId = randomUUID();
    const [event] = decideProvision({ status: 'absent' }, { providerId: 'bench', userId, attributes: { userName: `u${i}@bench.example` } });
    await stores.events.appendToStream(StreamIds.user('bench', userId), [{ id: randomUUID(), type: event.type, data: event.data, metadata }], 'noStream');
  }
}

async function publishThroughput(): Promise<number> {
  const stores = await openStores({ dataDir: ':memory:', databaseUrl: await freshDatabaseUrl() }, silent);
  await fillLog(stores, EVENTS);
  const topic = `bench-${randomUUID()}`;
  const relay = new IntegrationEventRelay(stores.events, new KafkaPublisher({ brokers, topic, partitions: 6, clientId: 'bench', maxMessageBytes: 1_000_000 }, silent), new InMemoryRelayCheckpoint(0), silent);
  await relay.drain(); // topic creation and connection outside the timing: publish a first pass
  const timed = new IntegrationEventRelay(stores.events, new KafkaPublisher({ brokers, topic, partitions: 6, clientId: 'bench', maxMessageBytes: 1_000_000 }, silent), new InMemoryRelayCheckpoint(0), silent);
  const started = process.hrtime.bigint();
  await timed.drain();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await relay.stop();
  await timed.stop();
  await stores.close();
  return EVENTS / seconds;
}

async function endToEndLatency(): Promise<{ p50: number; p99: number }> {
  const topic = `bench-${randomUUID()}`;
  const token = `bench-token-${randomUUID()}`;
  const config: AppConfig = { ...loadConfig({}), port: 0, workerHealthPort: 0, host: '127.0.0.1', dataDir: ':memory:', databaseUrl: await freshDatabaseUrl(), logLevel: 'silent', maxResults: 100, bodyLimitBytes: 1 << 20, kafka: { brokers, topic, partitions: 6, clientId: 'bench', maxMessageBytes: 1_000_000 } };
  const stores = await openStores(config, silent);
  await ensureProvider(stores, { providerId: 'bench', token, customAttributes: [] });
  const relay = await startKafkaRelay(config.kafka!, stores, silent);
  const app = await createScimApp(config, silent, stores, relay);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const respondedAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `bench-${randomUUID()}` });
  await consumer.connect();
  await new Promise((r) => setTimeout(r, 1000)); // let the relay create the topic
  await consumer.subscribe({ topic, fromBeginning: true });
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const userId = JSON.parse(message.value!.toString()).userId as string;
      const sent = respondedAt.get(userId);
      if (sent !== undefined) latencies.push(performance.now() - sent);
      if (latencies.length >= REQUESTS) done();
    },
  });
  for (let i = 0; i < REQUESTS; i += 1) {
    const response = await fetch(`http://127.0.0.1:${port}/scim/v2/enterprise-idps/bench/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ userName: `e2e${i}.${randomUUID()}@bench.example`, active: true }),
    });
    const body = (await response.json()) as { id: string };
    respondedAt.set(body.id, performance.now());
  }
  await Promise.race([all, new Promise((r) => setTimeout(r, 60_000))]);
  await consumer.disconnect();
  await app.close();
  await relay.stop();
  await stores.close();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  const throughputs: number[] = [];
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    throughputs.push(await publishThroughput());
    const { p50, p99 } = await endToEndLatency();
    p50s.push(p50);
    p99s.push(p99);
    process.stderr.write(`round ${round}: ${throughputs.at(-1)!.toFixed(0)} events/s, latency p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms\n`);
  }
  const store = process.env.DATABASE_URL ? 'PostgreSQL server' : 'PGlite in memory';
  process.stdout.write(
    `Kafka relay, ${store}, ${ROUNDS} rounds (median): publish ${median(throughputs).toFixed(0)} events/s over ${EVENTS} events; ` +
      `SCIM response → consumer latency p50 ${median(p50s).toFixed(1)} ms, p99 ${median(p99s).toFixed(1)} ms over ${REQUESTS} POSTs\n`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
