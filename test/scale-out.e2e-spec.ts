import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';

const PROVIDER = { providerId: 'scaled', token: 'scaled-token-0123456789abcdef' };
const postgres = storageTargets().find((t) => t.name === 'postgresql');

// Two API instances on one database share nothing in memory: conflicts are settled by the event log alone.
(postgres ? describe : describe.skip)('two API instances on one PostgreSQL database', () => {
  let first: ScimTestServer;
  let second: ScimTestServer;
  let clients: ScimClient[];

  beforeAll(async () => {
    first = await ScimTestServer.start(postgres!, [PROVIDER]);
    second = await first.startSibling();
    clients = [first, second].map((s) => new ScimClient(s.tenantUrl(PROVIDER.providerId), PROVIDER.token));
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('reads each other\'s writes at once', async () => {
    const created = await clients[0].post('/Users', entraCreateUser(`s.${randomUUID()}@example.com`, randomUUID()));
    const patched = await clients[1].patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'Lead' }] });
    expect(patched.body.title).toBe('Lead');
    expect((await clients[0].get(`/Users/${created.body.id}`)).body.title).toBe('Lead');
  });

  it('loses no update when both instances PATCH one user concurrently', async () => {
    const created = await clients[0].post('/Users', entraCreateUser(`s.${randomUUID()}@example.com`, randomUUID()));
    const types = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const responses = await Promise.all(
      types.map((type, i) =>
        clients[i % 2].patch(`/Users/${created.body.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Add', path: `phoneNumbers[type eq "${type}"].value`, value: `+1 555 000 ${i}` }],
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(types.map(() => 200));
    const final = await clients[1].get(`/Users/${created.body.id}`);
    expect(final.body.phoneNumbers).toHaveLength(types.length + 1);
    expect(final.body.meta.version).toBe(`W/"${types.length}"`);
  });

  it('lets one create win when both instances race on the same userName', async () => {
    const userName = `race.${randomUUID()}@example.com`;
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => clients[i % 2].post('/Users', entraCreateUser(i % 3 === 0 ? userName.toUpperCase() : userName, randomUUID()))),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const client of clients) {
      const matched = await client.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      expect(matched.body.totalResults).toBe(1);
    }
  });
});
