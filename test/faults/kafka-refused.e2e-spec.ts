import { StreamIds } from '@app/identity/shared/stream-ids';
import { USER_EVENT_TYPES } from '@app/identity/user/user.events';
import type { KafkaConfig } from '@app/platform/config/app-config';
import { DEFAULT_SCIM_LIMITS } from '@app/scim/limits/scim-limits';
import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { eventually } from '@app/testing/eventually';
import { readTopic, ReadMessage, testKafkaBrokers } from '@app/testing/kafka-topic-reader';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer, TestProvider } from '@app/testing/scim-test-server';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A broker that refuses a message for good (over the topic's max.message.bytes) never stalls the
 * relay: the event goes out as a withheld notice in its place, everything else is delivered in
 * order per user, nothing more than once again; when even the notice is refused, a dead letter.
 */
const brokers = testKafkaBrokers();
if (!brokers) process.stdout.write('Kafka fault tests skipped: KAFKA_BROKERS is unset (npm run kafka:up starts a broker).\n');

const TENANTS: readonly TestProvider[] = [
  { providerId: 'refused-a', token: 'refused-a-token-0123456789abcdef' },
  { providerId: 'refused-b', token: 'refused-b-token-0123456789abcdef' },
];
// Room for a 6,000-character displayName, whatever the defaults are: the point is the broker's limit.
const LIMITS = { limits: { ...DEFAULT_SCIM_LIMITS, maxStringLength: 10_000, maxResourceBytes: 262_144 } };
const BIG = 'x'.repeat(6_000);
const CONTRACTS = join(__dirname, '../../libs/integration-events/contracts');

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const schemas = readdirSync(CONTRACTS)
  .filter((f) => f.endsWith('.schema.json'))
  .map((f) => JSON.parse(readFileSync(join(CONTRACTS, f), 'utf8')) as { $id: string; title: string });
schemas.forEach((s) => ajv.addSchema(s));
const validate = (eventType: string, value: unknown) => {
  const check = ajv.getSchema(schemas.find((s) => s.title === `${eventType} v1`)!.$id)!;
  return { valid: check(value), errors: check.errors ?? null };
};

const kafkaConfig = (topic: string, maxMessageBytes = 1_000_000): KafkaConfig => ({ brokers: brokers!, topic, partitions: 3, clientId: 'scim-fault-tests', maxMessageBytes });
const displayName = (value: string) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value }] });
const title = (value: string) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value }] });

/** A topic whose own max.message.bytes is smaller than the relay's limit: only the broker knows. */
async function createTopic(topic: string, maxMessageBytes: number): Promise<void> {
  const admin = new Kafka({ clientId: 'scim-fault-tests', brokers: brokers!, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 3, replicationFactor: -1, configEntries: [{ name: 'max.message.bytes', value: String(maxMessageBytes) }] }],
    });
  } finally {
    await admin.disconnect();
  }
}

async function loggedUserEvents(server: ScimTestServer) {
  const userEventTypes = new Set<string>(USER_EVENT_TYPES);
  return (await server.stores.events.readAll(0, 100_000)).filter((e) => userEventTypes.has(e.type));
}

/** Sets a displayName too large for the topic: through SCIM, or straight into the log if this build's limits refuse it. */
async function patchBig(server: ScimTestServer, scim: ScimClient, providerId: string, userId: string): Promise<void> {
  const answer = await scim.patch(`/Users/${userId}`, displayName(BIG));
  if (answer.status === 200 || answer.status === 204) return;
  expect(answer.status).toBe(400);
  const stream = await server.stores.events.readStream(StreamIds.user(providerId, userId));
  const changes = [{ attribute: 'displayName', oldValue: 'Ada', newValue: BIG }];
  await server.stores.events.appendToStream(
    StreamIds.user(providerId, userId),
    [{ id: randomUUID(), type: 'AttributesPatched', data: { providerId, userId, changes }, metadata: { occurredAt: new Date().toISOString() } }],
    stream.length - 1,
  );
}

/** What a consumer that dedupes by ce_id sees: each event once, at its first delivery. */
function firstDeliveries(messages: ReadMessage[]): ReadMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => !seen.has(m.headers.ce_id) && seen.add(m.headers.ce_id));
}

function expectPerKeyLogOrder(messages: ReadMessage[]): void {
  const byKey = new Map<string, number[]>();
  for (const m of messages) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.value.logPosition]);
  for (const positions of byKey.values()) expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

function deliveriesPerEvent(messages: ReadMessage[]): number {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.headers.ce_id, (counts.get(m.headers.ce_id) ?? 0) + 1);
  return Math.max(...counts.values());
}

(brokers ? describe : describe.skip)('Kafka refuses a message', () => {
  const target = storageTargets()[0];

  it('the broker refuses one event: a notice takes its place, the rest of both tenants is delivered, in order, at most once again', async () => {
    const topic = `scim-refused-${randomUUID()}`;
    await createTopic(topic, 4_096);
    const server = await ScimTestServer.start(target, TENANTS, kafkaConfig(topic), LIMITS);
    try {
      const [a, b] = TENANTS.map((t) => new ScimClient(server.tenantUrl(t.providerId), t.token));
      // Held back, so that the refused event shares one batch with the others: the case that used to resend them forever.
      await server.relay!.stop();
      const ada = (await a.post('/Users', { ...entraCreateUser(`ada.${randomUUID()}@example.com`, randomUUID()), displayName: 'Ada' })).body;
      const bob = (await b.post('/Users', entraCreateUser(`bob.${randomUUID()}@example.com`, randomUUID()))).body;
      await patchBig(server, a, TENANTS[0].providerId, ada.id);
      expect((await b.patch(`/Users/${bob.id}`, title('Engineer'))).status).toBe(200);
      expect((await a.patch(`/Users/${ada.id}`, title('After'))).status).toBe(200);
      expect((await b.post('/Users', entraCreateUser(`cy.${randomUUID()}@example.com`, randomUUID()))).status).toBe(201);
      const big = (await loggedUserEvents(server))[2];
      expect(big.type).toBe('AttributesPatched');
      server.relay!.start();

      // It moves on: a write made after the refusal is delivered too.
      await eventually(() => expect(server.relay!.current).toMatchObject({ withheld: 1, lagEvents: 0 }), 30_000);
      expect((await b.post('/Users', entraCreateUser(`dee.${randomUUID()}@example.com`, randomUUID()))).status).toBe(201);
      const logged = await loggedUserEvents(server);
      const messages = await readTopic(brokers!, topic, (m) => new Set(m.map((x) => x.headers.ce_id)).size >= logged.length, 30_000);
      const seen = firstDeliveries(messages);
      expect(seen.map((m) => m.headers.ce_id).sort()).toEqual(logged.map((e) => e.id).sort());
      expectPerKeyLogOrder(seen);
      expect(deliveriesPerEvent(messages)).toBeLessThanOrEqual(2);
      process.stdout.write(`Kafka refusal: ${logged.length} events, ${messages.length - seen.length} sent twice while isolating the refused one\n`);

      const notices = messages.filter((m) => m.headers.ce_withheld !== undefined);
      expect(notices.length).toBeGreaterThanOrEqual(1);
      for (const notice of notices) {
        expect(notice.key).toBe(`${TENANTS[0].providerId}:${ada.id}`);
        expect(notice.headers).toMatchObject({ ce_id: big.id, ce_type: 'com.traffitech.scim.user.AttributesPatched.v1', ce_withheld: 'too-large' });
        expect(notice.value).toMatchObject({
          userId: ada.id,
          logPosition: big.position,
          revision: big.revision,
          withheld: { reason: 'too-large', brokerError: 'MESSAGE_TOO_LARGE', scimPath: `/scim/v2/enterprise-idps/${TENANTS[0].providerId}/Users/${ada.id}`, replayAfter: big.position - 1 },
        });
        expect(notice.value).not.toHaveProperty('changes');
        expect(validate('AttributesPatched', notice.value)).toEqual({ valid: true, errors: null });
      }
      expect(messages.filter((m) => m.headers.ce_id !== big.id).every((m) => m.headers.ce_withheld === undefined)).toBe(true);

      await eventually(() => expect(server.relay!.current.lagEvents).toBe(0));
      const ready = (await (await fetch(`${server.origin}/health/ready`)).json()) as { kafka: Record<string, unknown> };
      expect(ready.kafka).toMatchObject({ withheld: 1, deadLetters: 0, lagEvents: 0 });
      expect(ready.kafka.lastError).toBeUndefined();
      const alerts = server.logLines.filter((l) => l.includes('"alert":"kafka-event-withheld"'));
      expect(alerts).toHaveLength(1);
      expect(JSON.parse(alerts[0])).toMatchObject({ level: 50, eventId: big.id, brokerError: 'MESSAGE_TOO_LARGE', logPosition: big.position });
      expect(server.logLines.some((l) => l.includes(BIG.slice(0, 100)))).toBe(false);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('the relay withholds an event over its own KAFKA_MAX_MESSAGE_BYTES without asking the broker: every event exactly once', async () => {
    const topic = `scim-refused-${randomUUID()}`;
    const server = await ScimTestServer.start(target, TENANTS, kafkaConfig(topic, 4_096), LIMITS);
    try {
      const [a, b] = TENANTS.map((t) => new ScimClient(server.tenantUrl(t.providerId), t.token));
      const ada = (await a.post('/Users', { ...entraCreateUser(`ada.${randomUUID()}@example.com`, randomUUID()), displayName: 'Ada' })).body;
      await patchBig(server, a, TENANTS[0].providerId, ada.id);
      expect((await a.patch(`/Users/${ada.id}`, title('After'))).status).toBe(200);
      expect((await b.post('/Users', entraCreateUser(`bob.${randomUUID()}@example.com`, randomUUID()))).status).toBe(201);
      const logged = await loggedUserEvents(server);
      const messages = await readTopic(brokers!, topic, (m) => m.length >= logged.length, 30_000);
      expect(messages.map((m) => m.headers.ce_id).sort()).toEqual(logged.map((e) => e.id).sort());
      expectPerKeyLogOrder(messages);
      const big = logged[1];
      const [notice] = messages.filter((m) => m.headers.ce_withheld !== undefined);
      expect(notice.headers.ce_id).toBe(big.id);
      expect(notice.value.withheld).toMatchObject({ reason: 'too-large', limit: 4_096 });
      expect(notice.value.withheld.bytes).toBeGreaterThan(6_000);
      expect(notice.value.withheld).not.toHaveProperty('brokerError');
      expect(validate('AttributesPatched', notice.value)).toEqual({ valid: true, errors: null });
      await eventually(() => expect(server.relay!.current).toMatchObject({ withheld: 1, deadLetters: 0 }));
    } finally {
      await server.close();
    }
  }, 60_000);

  it('records a dead letter when the broker refuses even the notice, and moves on', async () => {
    const topic = `scim-refused-${randomUUID()}`;
    // Smaller than any message of ours, notices included (some 700 bytes).
    await createTopic(topic, 300);
    const server = await ScimTestServer.start(target, TENANTS, kafkaConfig(topic), LIMITS);
    try {
      const a = new ScimClient(server.tenantUrl(TENANTS[0].providerId), TENANTS[0].token);
      const ada = (await a.post('/Users', entraCreateUser(`ada.${randomUUID()}@example.com`, randomUUID()))).body;
      const [event] = await loggedUserEvents(server);
      await eventually(() => expect(server.relay!.current).toMatchObject({ deadLetters: 1, lagEvents: 0 }), 30_000);
      expect(server.relay!.current.lastError).toBeUndefined();
      const rows = await server.stores.db.query('SELECT log_position, event_id, message_key, reason FROM relay_dead_letters');
      expect(rows).toEqual([{ log_position: event.position, event_id: event.id, message_key: `${TENANTS[0].providerId}:${ada.id}`, reason: 'MESSAGE_TOO_LARGE' }]);
      expect(server.logLines.filter((l) => l.includes('"alert":"kafka-event-dead-lettered"'))).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 60_000);
});
