import { AdminClient, withAdminToken } from '@app/testing/admin-client';
import { entraCreateUser, entraSetActive, entraUpdateAttributes } from '@app/testing/entra-payloads';
import type { IntegrationMessage } from '@app/integration-events/contracts/user-lifecycle.v1';
import type { IntegrationEventPublisher } from '@app/integration-events/publisher.port';
import { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import { InMemoryRelayCheckpoint } from '@app/integration-events/relay/relay-checkpoint';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { parse } from 'yaml';

const PROVIDER = { providerId: 'asyncapi-idp', token: 'asyncapi-token-0123456789abcdef' };
const CONTRACTS = join(__dirname, '../libs/integration-events/contracts');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;

/**
 * The AsyncAPI document as a consumer reads it: each message's header schema (its traits) and its
 * payload schema (the JSON Schema file its $ref names, compiled strictly with the shared ones it refers to by $id).
 */
function asyncApiMessages(): { channelMessages: string[]; headersOf: (name: string) => ValidateFunction; payloadOf: (name: string) => ValidateFunction } {
  const document: Node = parse(readFileSync(join(CONTRACTS, 'asyncapi.yaml'), 'utf8'));
  const resolve = (ref: string): Node => ref.replace(/^#\//, '').split('/').reduce((node: Node, key) => node?.[key], document);
  const ajv = new Ajv2020({ strict: true, strictRequired: false });
  addFormats(ajv);
  const files = readdirSync(CONTRACTS).filter((f) => f.endsWith('.schema.json'));
  const idOf = new Map(files.map((f) => [`./${f}`, (JSON.parse(readFileSync(join(CONTRACTS, f), 'utf8')) as { $id: string }).$id]));
  files.forEach((f) => ajv.addSchema(JSON.parse(readFileSync(join(CONTRACTS, f), 'utf8'))));
  const headerAjv = new Ajv2020({ strict: false });
  addFormats(headerAjv);
  const message = (name: string): Node => {
    const found = document.components.messages[name];
    if (!found) throw new Error(`The AsyncAPI document has no message ${name}`);
    return found;
  };
  return {
    channelMessages: Object.values<{ $ref: string }>(document.channels.userLifecycle.messages).map((m) => m.$ref.split('/').at(-1)!),
    headersOf: (name) => {
      const schemas = message(name).traits.map((t: { $ref: string }) => resolve(t.$ref).headers);
      return headerAjv.compile({ allOf: schemas });
    },
    payloadOf: (name) => {
      const { schemaFormat, schema } = message(name).payload;
      expect(schemaFormat).toBe('application/schema+json;version=draft-2020-12');
      return ajv.getSchema(idOf.get(schema.$ref)!)!;
    },
  };
}

/** The message name a published message carries: ce_type is com.traffitech.scim.user.<Name>.v1. */
const messageName = (m: IntegrationMessage) => /^com\.traffitech\.scim\.user\.(\w+)\.v1$/.exec(m.headers.ce_type)?.[1] ?? m.headers.ce_type;

/**
 * Kafka's side of the port, keeping what the relay hands it: the messages exactly as they would go
 * on the wire (key, headers, value). The Kafka transport itself is covered by users.kafka.e2e-spec.ts.
 */
/** Roughly what a record takes on the wire: enough to pick a limit that withholds some messages. */
const wireBytes = (m: IntegrationMessage) => Buffer.byteLength(m.value) + Buffer.byteLength(JSON.stringify(m.headers)) + Buffer.byteLength(m.key);

class RecordingPublisher implements IntegrationEventPublisher {
  readonly sent: IntegrationMessage[] = [];
  constructor(readonly maxMessageBytes: number) {}

  sizeOf = wireBytes;
  async prepare(): Promise<void> {}
  async publish(messages: readonly IntegrationMessage[]): Promise<void> {
    this.sent.push(...messages);
  }
  async close(): Promise<void> {}
}

/** Every message the relay publishes from the server's event log, from its start; over `maxMessageBytes` it publishes withheld notices. */
async function relayed(server: ScimTestServer, maxMessageBytes = 1_000_000): Promise<IntegrationMessage[]> {
  const publisher = new RecordingPublisher(maxMessageBytes);
  const relay = new IntegrationEventRelay(server.stores.events, publisher, new InMemoryRelayCheckpoint(0), pino({ level: 'silent' }));
  await relay.drain();
  await relay.stop();
  return publisher.sent;
}

describe('AsyncAPI document', () => {
  const spec = asyncApiMessages();

  it('lists every message of its components on the channel and refers to existing schemas', () => {
    const components = Object.keys(parse(readFileSync(join(CONTRACTS, 'asyncapi.yaml'), 'utf8')).components.messages);
    expect([...spec.channelMessages].sort()).toEqual([...components].sort());
    for (const name of components) expect(spec.payloadOf(name)).toBeInstanceOf(Function);
  });

  it('refuses a message that breaks it (the check can fail)', () => {
    expect(spec.headersOf('UserProvisioned')({ ce_specversion: '1.0', ce_type: 'x' })).toBe(false);
    expect(spec.payloadOf('UserDeleted')({ providerId: 'p', userId: 'u', revision: 'one' })).toBe(false);
  });

  it(
    'matches what the relay publishes: every event type, payloads and headers valid, every documented message published',
    async () => {
      const server = await ScimTestServer.start(storageTargets()[0], [PROVIDER], undefined, withAdminToken());
      try {
        const scim = new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);
        const admin = new AdminClient(server.adminOrigin);
        const body = entraCreateUser(`ada.${randomUUID()}@example.com`, randomUUID());
        const ada = (await scim.post('/Users', body)).body;
        const steps = [
          await scim.patch(`/Users/${ada.id}`, entraUpdateAttributes('default')),
          await scim.patch(`/Users/${ada.id}`, entraSetActive('default', false)),
          await scim.patch(`/Users/${ada.id}`, entraSetActive('default', true)),
          await scim.put(`/Users/${ada.id}`, { ...body, title: 'CEO' }),
          await admin.post(`/identity-providers/${PROVIDER.providerId}/users/${ada.id}/clear`, { paths: ['title'] }),
          await admin.post(`/identity-providers/${PROVIDER.providerId}/users/${ada.id}/reprovision`),
          await scim.post('/Users', body),
        ];
        expect(steps.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 200, 201]);
        expect((await scim.delete(`/Users/${ada.id}`)).status).toBe(204);

        const messages = await relayed(server);
        const published = messages.map(messageName);
        expect(published).toEqual([
          'UserProvisioned', 'AttributesPatched', 'UserDeactivated', 'UserReactivated', 'UserReplaced',
          'AttributesCleared', 'ReprovisionRequested', 'UserReprovisioned', 'UserDeleted',
        ]);
        // Both ways: every published type is documented, and every documented message is published by some event.
        expect([...new Set(published)].sort()).toEqual([...spec.channelMessages].sort());
        for (const message of messages) {
          const name = messageName(message);
          const headers = spec.headersOf(name);
          const payload = spec.payloadOf(name);
          expect({ name, headers: headers(message.headers), errors: headers.errors ?? null }).toEqual({ name, headers: true, errors: null });
          expect({ name, payload: payload(JSON.parse(message.value)), errors: payload.errors ?? null }).toEqual({ name, payload: true, errors: null });
          expect(message.key).toBe(`${PROVIDER.providerId}:${ada.id}`);
        }

        // Withheld notices (over the relay's size limit) are the same messages with ce_withheld and `withheld`: documented too.
        const largest = Math.max(...messages.map(wireBytes));
        const notices = (await relayed(server, largest - 1)).filter((m) => m.headers.ce_withheld);
        expect(notices.length).toBeGreaterThan(0);
        for (const notice of notices) {
          const name = messageName(notice);
          const headers = spec.headersOf(name);
          const payload = spec.payloadOf(name);
          expect({ name, headers: headers(notice.headers), payload: payload(JSON.parse(notice.value)), errors: [headers.errors, payload.errors] }).toEqual({
            name,
            headers: true,
            payload: true,
            errors: [null, null],
          });
        }
      } finally {
        await server.close();
      }
    },
    60_000,
  );
});
