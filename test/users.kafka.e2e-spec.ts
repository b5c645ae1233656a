import { entraCreateUser, entraSetActive, entraSetManager, entraUpdateAttributes, PATCH_OP } from '@app/testing/entra-payloads';
import { eventually } from '@app/testing/eventually';
import { readTopic, ReadMessage, testKafkaBrokers } from '@app/testing/kafka-topic-reader';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { KafkaPublisher } from '@app/integration-events/kafka/kafka-publisher.adapter';
import { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import { InMemoryRelayCheckpoint } from '@app/integration-events/relay/relay-checkpoint';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';

const brokers = testKafkaBrokers();
const PROVIDER = { providerId: 'kafka-idp', token: 'kafka-token-0123456789abcdef' };
const ROOT = join(__dirname, '..');
const CONTRACTS = join(ROOT, 'libs/integration-events/contracts');
// Stopping the broker is only ours to do when our script started it.
const brokerIsOurs = existsSync(join(ROOT, '.deploy-cache/kafka/broker.pid'));

if (!brokers) process.stdout.write('Kafka tests skipped: KAFKA_BROKERS is unset (npm run kafka:up starts a broker).\n');

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const schemas = readdirSync(CONTRACTS)
  .filter((f) => f.endsWith('.schema.json'))
  .map((f) => JSON.parse(readFileSync(join(CONTRACTS, f), 'utf8')) as { $id: string; title: string });
// Added together first: the event schemas refer to the withheld notice's by its $id.
schemas.forEach((schema) => ajv.addSchema(schema));
const validators = new Map(
  schemas.filter((s) => s.title !== 'Withheld v1').map((s) => [s.title.replace(' v1', ''), ajv.getSchema(s.$id)!] as const),
);

const kafkaConfig = (topic: string) => ({ brokers: brokers!, topic, partitions: 3, clientId: 'scim-tests', maxMessageBytes: 1_000_000 });
const ceIds = (messages: ReadMessage[]) => new Set(messages.map((m) => m.headers.ce_id));

/** The user events of the log, in log order: what the topic must hold. */
async function loggedUserEvents(server: ScimTestServer) {
  const all = await server.stores.events.readAll(0, 100_000);
  return all.filter((e) => validators.has(e.type));
}

function expectPerKeyLogOrder(messages: ReadMessage[]): void {
  const byKey = new Map<string, number[]>();
  for (const m of messages) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.value.logPosition]);
  for (const positions of byKey.values()) expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

(brokers ? describe : describe.skip)('user lifecycle events on Kafka', () => {
  const target = storageTargets()[0];

  it('delivers every event of an Entra lifecycle, in log order per user, with CloudEvents headers and schema-valid payloads', async () => {
    const topic = `scim-test-${randomUUID()}`;
    const server = await ScimTestServer.start(target, [PROVIDER], kafkaConfig(topic));
    try {
      const scim = new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);
      const boss = await scim.post('/Users', entraCreateUser(`boss.${randomUUID()}@example.com`, randomUUID()));
      const ada = await scim.post('/Users', entraCreateUser(`ada.${randomUUID()}@example.com`, randomUUID()));
      await scim.patch(`/Users/${ada.body.id}`, entraUpdateAttributes('default'));
      await scim.patch(`/Users/${ada.body.id}`, entraSetManager('default', boss.body.id));
      await scim.patch(`/Users/${ada.body.id}`, entraSetActive('default', false));
      await scim.patch(`/Users/${ada.body.id}`, entraSetActive('aadOptscim062020', true));
      await scim.put(`/Users/${boss.body.id}`, { ...entraCreateUser(boss.body.userName, boss.body.externalId), title: 'CEO' });
      await scim.delete(`/Users/${ada.body.id}`);

      const logged = await loggedUserEvents(server);
      expect(logged.map((e) => e.type)).toEqual([
        'UserProvisioned', 'UserProvisioned', 'AttributesPatched', 'AttributesPatched', 'UserDeactivated', 'UserReactivated', 'UserReplaced', 'UserDeleted',
      ]);
      const messages = await readTopic(brokers!, topic, (m) => m.length >= logged.length);
      expect(messages.map((m) => m.headers.ce_id).sort()).toEqual(logged.map((e) => e.id).sort());
      expectPerKeyLogOrder(messages);
      for (const message of messages) {
        const event = logged.find((e) => e.id === message.headers.ce_id)!;
        expect(message.key).toBe(`${PROVIDER.providerId}:${message.value.userId}`);
        expect(message.headers).toMatchObject({
          ce_specversion: '1.0',
          ce_type: `com.traffitech.scim.user.${event.type}.v1`,
          ce_source: `/scim/v2/enterprise-idps/${PROVIDER.providerId}`,
          ce_subject: message.value.userId,
          ce_time: event.metadata.occurredAt,
          'content-type': 'application/json',
        });
        expect(message.headers).not.toHaveProperty('ce_withheld');
        const validate = validators.get(event.type)!;
        expect({ type: event.type, valid: validate(message.value), errors: validate.errors ?? null }).toEqual({ type: event.type, valid: true, errors: null });
      }
      // Internal events (IdP administration, uniqueness reservations) are not published.
      expect(messages.every((m) => m.headers.ce_type.startsWith('com.traffitech.scim.user.'))).toBe(true);

      // Replay from position 1 to a new topic reproduces it: same messages, same order per user.
      const replayTopic = `${topic}-replay`;
      const replay = new IntegrationEventRelay(
        server.stores.events,
        new KafkaPublisher(kafkaConfig(replayTopic), pino({ level: 'silent' })),
        new InMemoryRelayCheckpoint(0),
        pino({ level: 'silent' }),
      );
      await replay.drain();
      await replay.stop();
      const replayed = await readTopic(brokers!, replayTopic, (m) => m.length >= messages.length);
      const perKey = (list: ReadMessage[]) =>
        Object.fromEntries([...new Set(list.map((m) => m.key))].map((k) => [k, list.filter((m) => m.key === k).map((m) => [m.headers.ce_id, m.value])]));
      expect(perKey(replayed)).toEqual(perKey(messages));
    } finally {
      await server.close();
    }
  });

  (brokerIsOurs ? it : it.skip)('keeps answering SCIM while the broker is down, reports lag, and delivers everything once it is back', async () => {
    const topic = `scim-test-${randomUUID()}`;
    const server = await ScimTestServer.start(target, [PROVIDER], kafkaConfig(topic));
    try {
      const scim = new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);
      await scim.post('/Users', entraCreateUser(`before.${randomUUID()}@example.com`, randomUUID()));
      await eventually(() => server.relay!.current.published >= 1);

      execFileSync('bash', [join(ROOT, 'deploy/kafka/down.sh')], { stdio: 'ignore' });
      const during: number[] = [];
      for (let i = 0; i < 10; i++) {
        const created = await scim.post('/Users', entraCreateUser(`during.${i}.${randomUUID()}@example.com`, randomUUID()));
        during.push(created.status);
        during.push((await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] })).status);
      }
      expect(during.every((s) => s >= 200 && s < 300)).toBe(true);
      // 10 creates and 10 deactivations wait; reservation events are internal and do not count.
      await eventually(() => server.relay!.current.lagEvents === 20 && server.relay!.current.lastError !== undefined, 30_000);
      const health = (await (await fetch(`${server.origin}/health/ready`)).json()) as { kafka: { lagEvents: number } };
      expect(health.kafka.lagEvents).toBe(20);

      execFileSync('bash', [join(ROOT, 'deploy/kafka/up.sh')], { stdio: 'ignore' });
      const logged = await loggedUserEvents(server);
      const messages = await readTopic(brokers!, topic, (m) => ceIds(m).size >= logged.length, 90_000);
      expect([...ceIds(messages)].sort()).toEqual(logged.map((e) => e.id).sort());
      expectPerKeyLogOrder(messages);
    } finally {
      await server.close();
    }
  }, 240_000);

  const postgres = storageTargets().find((t) => t.name === 'postgresql');
  const worker = join(ROOT, 'dist/apps/scim-worker/src/main.js');
  (postgres && existsSync(worker) ? it : it.skip)('resumes from its checkpoint after the worker is SIGKILLed: duplicates allowed and counted, never a gap', async () => {
    const topic = `scim-test-${randomUUID()}`;
    const api = await ScimTestServer.start(postgres!, [PROVIDER]);
    const env = { ...process.env, DATABASE_URL: api.databaseUrl!, KAFKA_BROKERS: brokers!.join(','), KAFKA_TOPIC: topic, LOG_LEVEL: 'warn', WORKER_HEALTH_PORT: '0' };
    const startWorker = () => spawn(process.execPath, [worker], { env, stdio: 'ignore' });
    let child: ChildProcess = startWorker();
    try {
      const scim = new ScimClient(api.tenantUrl(PROVIDER.providerId), PROVIDER.token);
      const writes = (async () => {
        for (let i = 0; i < 60; i++) await scim.post('/Users', entraCreateUser(`k.${i}.${randomUUID()}@example.com`, randomUUID()));
      })();
      await readTopic(brokers!, topic, (m) => m.length >= 5, 60_000);
      child.kill('SIGKILL');
      await writes;
      child = startWorker();
      const logged = await loggedUserEvents(api);
      const messages = await readTopic(brokers!, topic, (m) => ceIds(m).size >= logged.length, 90_000);
      const ids = messages.map((m) => m.headers.ce_id);
      expect([...new Set(ids)].sort()).toEqual(logged.map((e) => e.id).sort());
      process.stdout.write(`SIGKILL test: ${logged.length} events, ${ids.length - new Set(ids).size} duplicates after the restart\n`);
      expectPerKeyLogOrder(messages.filter((m, i) => ids.indexOf(m.headers.ce_id) === i));
    } finally {
      child.kill('SIGKILL');
      await api.close();
    }
  }, 240_000);
});
