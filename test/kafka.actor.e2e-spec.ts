import { entraCreateUser } from '@app/testing/entra-payloads';
import { readTopic, testKafkaBrokers } from '@app/testing/kafka-topic-reader';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { contractSchemas } from '@app/integration-events/contracts/contract-schemas.fixture';
import { randomUUID } from 'node:crypto';
import { ADMIN, userAdministration } from './user-administration';

const brokers = testKafkaBrokers();
const PROVIDER = { providerId: 'actor-idp', token: 'actor-token-0123456789abcdef' };

if (!brokers) process.stdout.write('Kafka actor tests skipped: KAFKA_BROKERS is unset (npm run kafka:up starts a broker).\n');

const { validatorOf } = contractSchemas();

(brokers ? describe : describe.skip)('Kafka messages say who acted and in which request', () => {
  // PostgreSQL when TEST_DATABASE_URL is set, else PGlite: the relay reads the same log either way.
  const targets = storageTargets();
  const target = targets.find((t) => t.name === 'postgresql') ?? targets[0];

  it('a SCIM POST with an IdP token and an administrator\'s clear: idp and admin actors, each with its request id, schema-valid', async () => {
    const topic = `scim-test-${randomUUID()}`;
    const server = await ScimTestServer.start(target, [PROVIDER], { brokers: brokers!, topic, partitions: 1, clientId: 'scim-tests', maxMessageBytes: 1_000_000 });
    try {
      const scim = new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);
      const created = await scim.post('/Users', entraCreateUser(`ada.${randomUUID()}@example.com`, randomUUID()));
      expect(created.status).toBe(201);
      await userAdministration(server).clear(PROVIDER.providerId, created.body.id, ['title'], ADMIN);

      const [token] = (await server.stores.providers.describeProvider(PROVIDER.providerId))!.tokens;
      const logged = (await server.stores.events.readAll(0, 100_000)).filter((e) => e.type === 'UserProvisioned' || e.type === 'AttributesCleared');
      const messages = await readTopic(brokers!, topic, (m) => m.length >= 2);
      expect(messages.map((m) => m.headers.ce_type)).toEqual(['com.traffitech.scim.user.UserProvisioned.v1', 'com.traffitech.scim.user.AttributesCleared.v1']);
      const [provisioned, cleared] = messages;

      const postRequestId = logged.find((e) => e.type === 'UserProvisioned')!.metadata.correlationId;
      expect(postRequestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(provisioned.value).toMatchObject({ userId: created.body.id, actor: { kind: 'idp', providerId: PROVIDER.providerId, tokenId: token.tokenId }, requestId: postRequestId });
      expect(provisioned.headers.ce_actorkind).toBe('idp');

      expect(cleared.value).toMatchObject({
        userId: created.body.id,
        actor: { kind: 'admin', tokenId: ADMIN.actor.tokenId, label: ADMIN.actor.name },
        requestId: ADMIN.correlationId,
        changes: [{ attribute: 'title', oldValue: 'Analyst' }],
      });
      expect(cleared.headers.ce_actorkind).toBe('admin');
      expect(cleared.value.requestId).not.toBe(provisioned.value.requestId);

      for (const [type, message] of [['UserProvisioned', provisioned], ['AttributesCleared', cleared]] as const) {
        const validate = validatorOf(type);
        expect({ type, valid: validate(message.value), errors: validate.errors ?? null }).toEqual({ type, valid: true, errors: null });
        // Ids and labels only: neither the IdP's bearer token nor the client address is published.
        expect(JSON.stringify(message)).not.toContain(PROVIDER.token);
        expect(JSON.stringify(message.value)).not.toContain(ADMIN.clientAddress);
      }
    } finally {
      await server.close();
    }
  });
});
