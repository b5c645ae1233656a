import { decideSetRebaselineMatchingPosts } from '@app/identity/identity-provider/identity-provider.decide';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { CUSTOM, ENTERPRISE, entraCreateUser } from '@app/testing/entra-payloads';
import { readTopic, testKafkaBrokers } from '@app/testing/kafka-topic-reader';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from '../apps/scim-api/src/identity-providers/identity-provider-writer';
import { ADMIN, userAdministration, userStream } from './user-administration';

const ENTRA = { providerId: 'reprovision-idp', token: 'reprovision-token-0123456789abcdef', customAttributes: [`${CUSTOM}:JobCode`] };
const OTHER = { providerId: 'reprovision-other', token: 'reprovision-other-token-0123456789' };
const brokers = testKafkaBrokers();

/** What Entra POSTs for a user whose title, phone and JobCode were cleared in Entra: those attributes omitted. */
function clearedInEntra(userName: string, externalId: string): Record<string, unknown> {
  const { title: _title, phoneNumbers: _phones, [CUSTOM]: _custom, ...rest } = entraCreateUser(userName, externalId);
  return rest;
}

async function provisioned(scim: ScimClient) {
  const [userName, externalId] = [`ada.${randomUUID()}@example.com`, randomUUID()];
  const created = await scim.post('/Users', entraCreateUser(userName, externalId));
  expect(created.status).toBe(201);
  return { id: created.body.id as string, userName, externalId, location: created.headers.get('location') };
}

describeOnEveryStore('re-provisioning a user (unassign and re-assign in Entra)', [ENTRA, OTHER], (suite) => {
  it('hides the user from Entra, and its next POST re-baselines the same user: 201, same id, omitted attributes gone', async () => {
    const ada = await provisioned(suite.scim);
    const admin = userAdministration(suite.server);

    const requested = await admin.requestReprovision(ENTRA.providerId, ada.id, ADMIN);
    expect(requested).toMatchObject({ id: ada.id, userName: ada.userName, externalId: ada.externalId, awaitingReprovision: true, version: 1 });

    // Entra's next cycle: its lookups find nothing, so it POSTs.
    expect((await suite.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${ada.userName}"`)}`)).body).toMatchObject({ totalResults: 0, Resources: [] });
    expect((await suite.scim.get(`/Users?filter=${encodeURIComponent(`externalId eq "${ada.externalId}"`)}`)).body.totalResults).toBe(0);
    expect((await suite.scim.get(`/Users/${ada.id}`)).status).toBe(404);
    expect((await suite.scim.get('/Users?count=1000')).body.Resources.map((u: { id: string }) => u.id)).not.toContain(ada.id);
    expect((await suite.scim.patch(`/Users/${ada.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'x' }] })).status).toBe(404);
    expect(await admin.find(ENTRA.providerId, 'externalId', ada.externalId)).toMatchObject([{ id: ada.id, awaitingReprovision: true }]);

    const posted = await suite.scim.post('/Users', clearedInEntra(ada.userName.toUpperCase(), ada.externalId));
    expect(posted.status).toBe(201);
    expect(posted.body.id).toBe(ada.id);
    expect(posted.headers.get('location')).toBe(ada.location);
    expect(posted.headers.get('etag')).toBe('W/"2"');
    for (const gone of ['title', 'phoneNumbers', CUSTOM]) expect(posted.body).not.toHaveProperty([gone]);
    expect(posted.body).toMatchObject({ userName: ada.userName.toUpperCase(), active: true, [ENTERPRISE]: { department: 'Engines' }, meta: { version: 'W/"2"' } });

    const got = await suite.scim.get(`/Users/${ada.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(posted.body);
    expect((await suite.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${ada.userName}"`)}`)).body.Resources.map((u: { id: string }) => u.id)).toEqual([ada.id]);
    const stream = await userStream(suite.server, ENTRA.providerId, ada.id);
    expect(stream.map((e) => e.type)).toEqual(['UserProvisioned', 'ReprovisionRequested', 'UserReprovisioned']);
    expect(stream[1].actor).toEqual(ADMIN.actor);
    expect(stream[2].actor).toMatchObject({ kind: 'idp-token', providerId: ENTRA.providerId });
  });

  it('keeps a plain duplicate POST a 409 uniqueness, for userName and for externalId alike', async () => {
    const ada = await provisioned(suite.scim);
    const duplicate = await suite.scim.post('/Users', entraCreateUser(ada.userName, ada.externalId));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ scimType: 'uniqueness' });
    expect((await suite.scim.post('/Users', entraCreateUser(`other.${randomUUID()}@example.com`, ada.externalId))).status).toBe(409);
    expect((await userStream(suite.server, ENTRA.providerId, ada.id)).map((e) => e.type)).toEqual(['UserProvisioned']);
  });

  it('answers 409 to a POST for a user awaiting re-provisioning that names another externalId (or none), and it stays hidden', async () => {
    const ada = await provisioned(suite.scim);
    await userAdministration(suite.server).requestReprovision(ENTRA.providerId, ada.id, ADMIN);

    expect((await suite.scim.post('/Users', entraCreateUser(ada.userName, randomUUID()))).status).toBe(409);
    const { externalId: _externalId, ...withoutExternalId } = entraCreateUser(ada.userName, 'unused');
    expect((await suite.scim.post('/Users', withoutExternalId)).status).toBe(409);
    expect((await suite.scim.get(`/Users/${ada.id}`)).status).toBe(404);
    expect((await userStream(suite.server, ENTRA.providerId, ada.id)).map((e) => e.type)).toEqual(['UserProvisioned', 'ReprovisionRequested']);
  });

  it('makes one user of two POSTs at once for the same awaiting user: one 201 re-baselines, the other 409 or the same 201', async () => {
    const ada = await provisioned(suite.scim);
    await userAdministration(suite.server).requestReprovision(ENTRA.providerId, ada.id, ADMIN);

    const answers = await Promise.all([1, 2].map(() => suite.scim.post('/Users', clearedInEntra(ada.userName, ada.externalId))));
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(new Set(created.map((a) => a.body.id))).toEqual(new Set([ada.id]));
    const listed = await suite.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${ada.userName}"`)}`);
    expect(listed.body.Resources.map((u: { id: string }) => u.id)).toEqual([ada.id]);
    expect((await userStream(suite.server, ENTRA.providerId, ada.id)).filter((e) => e.type === 'UserReprovisioned')).toHaveLength(1);
  });

  it('keeps the request to the IdP whose user it is: another IdP\'s POST with the same values provisions its own user', async () => {
    const ada = await provisioned(suite.scim);
    await userAdministration(suite.server).requestReprovision(ENTRA.providerId, ada.id, ADMIN);
    const elsewhere = await suite.client(OTHER).post('/Users', entraCreateUser(ada.userName, ada.externalId));
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.id).not.toBe(ada.id);
    expect((await suite.scim.get(`/Users/${ada.id}`)).status).toBe(404);
  });

  it('refuses a request for an unknown user or IdP, and records a second request as nothing', async () => {
    const admin = userAdministration(suite.server);
    await expect(admin.requestReprovision(ENTRA.providerId, randomUUID(), ADMIN)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(admin.requestReprovision('no-such-idp', randomUUID(), ADMIN)).rejects.toMatchObject({ code: 'PROVIDER_NOT_FOUND' });
    const ada = await provisioned(suite.scim);
    await expect(admin.requestReprovision(OTHER.providerId, ada.id, ADMIN)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await admin.requestReprovision(ENTRA.providerId, ada.id, ADMIN);
    expect(await admin.requestReprovision(ENTRA.providerId, ada.id, ADMIN)).toMatchObject({ awaitingReprovision: true, version: 1 });
    expect(await suite.scim.delete(`/Users/${ada.id}`)).toMatchObject({ status: 204 });
    await expect(admin.requestReprovision(ENTRA.providerId, ada.id, ADMIN)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('with the IdP\'s re-baseline setting on, re-baselines on every POST matching userName and externalId; others stay 409', async () => {
    const ada = await provisioned(suite.scim);
    const idps = new IdentityProviderWriter(suite.server.stores, 'reprovision-e2e');
    await idps.write(ENTRA.providerId, (state) => decideSetRebaselineMatchingPosts(state, true), { actor: ADMIN.actor });
    try {
      const posted = await suite.scim.post('/Users', clearedInEntra(ada.userName, ada.externalId));
      expect(posted.status).toBe(201);
      expect(posted.body.id).toBe(ada.id);
      expect(posted.body).not.toHaveProperty('title');
      expect((await suite.scim.post('/Users', entraCreateUser(ada.userName, randomUUID()))).status).toBe(409);
      expect((await userStream(suite.server, ENTRA.providerId, ada.id)).map((e) => e.type)).toEqual(['UserProvisioned', 'UserReprovisioned']);
    } finally {
      await idps.write(ENTRA.providerId, (state) => decideSetRebaselineMatchingPosts(state, false), { actor: ADMIN.actor });
    }
    expect((await suite.scim.post('/Users', clearedInEntra(ada.userName, ada.externalId))).status).toBe(409);
  });
});

(brokers ? describe : describe.skip)('re-provisioning on Kafka', () => {
  it('publishes ReprovisionRequested then UserReprovisioned for the same user, and no delete', async () => {
    const topic = `scim-test-${randomUUID()}`;
    const server = await ScimTestServer.start(storageTargets()[0], [ENTRA], { brokers: brokers!, topic, partitions: 3, clientId: 'scim-tests', maxMessageBytes: 1_000_000 });
    try {
      const scim = new ScimClient(server.tenantUrl(ENTRA.providerId), ENTRA.token);
      const ada = await provisioned(scim);
      await userAdministration(server).requestReprovision(ENTRA.providerId, ada.id, ADMIN);
      expect((await scim.post('/Users', clearedInEntra(ada.userName, ada.externalId))).status).toBe(201);

      const messages = await readTopic(brokers!, topic, (m) => m.length >= 3);
      expect(messages.map((m) => [m.key, m.headers.ce_type.split('.').at(-2)])).toEqual([
        [`${ENTRA.providerId}:${ada.id}`, 'UserProvisioned'],
        [`${ENTRA.providerId}:${ada.id}`, 'ReprovisionRequested'],
        [`${ENTRA.providerId}:${ada.id}`, 'UserReprovisioned'],
      ]);
      expect(messages[2].value.attributes).toMatchObject({ userName: ada.userName, externalId: ada.externalId, active: true });
      expect(messages[2].value.attributes).not.toHaveProperty('title');
    } finally {
      await server.close();
    }
  });
});
