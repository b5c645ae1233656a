import { ScimError } from '@app/scim/errors/scim-error';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { CUSTOM, entraCreateUser } from '@app/testing/entra-payloads';
import { readTopic, testKafkaBrokers } from '@app/testing/kafka-topic-reader';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';
import { decideRegisterCustomAttribute, decideRetireCustomAttribute } from '@app/identity/identity-provider/identity-provider.decide';
import { IdentityProviderWriter } from '../apps/scim-api/src/identity-providers/identity-provider-writer';
import { ADMIN, userAdministration, userStream } from './user-administration';

const ENTRA = { providerId: 'clear-idp', token: 'clear-token-0123456789abcdef', customAttributes: [`${CUSTOM}:JobCode`] };
const brokers = testKafkaBrokers();
const MOBILE = { type: 'mobile', value: '+44 7700 900123' };
const WORK = { type: 'work', value: '+44 (0)20 7946-0000' };

/** A user as Entra provisions it, with a mobile number beside the work one. */
async function provisioned(scim: ScimClient) {
  const [userName, externalId] = [`ada.${randomUUID()}@example.com`, randomUUID()];
  const created = await scim.post('/Users', { ...entraCreateUser(userName, externalId), phoneNumbers: [WORK, MOBILE] });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, userName, externalId };
}

const CLEARED = ['title', 'phoneNumbers[type eq "mobile"].value', `${CUSTOM}:JobCode`];

describeOnEveryStore('an administrator clears values Entra never clears', [ENTRA], (suite) => {
  it('removes a title, a filtered phone value and a custom attribute: gone from SCIM GET, AttributesCleared with the admin as actor', async () => {
    const ada = await provisioned(suite.scim);

    const { user, cleared } = await userAdministration(suite.server).clear(ENTRA.providerId, ada.id, CLEARED, ADMIN);
    expect(cleared).toEqual(CLEARED);
    expect(user).toMatchObject({ id: ada.id, version: 1, awaitingReprovision: false });

    const got = await suite.scim.get(`/Users/${ada.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('W/"1"');
    expect(got.body).not.toHaveProperty('title');
    expect(got.body).not.toHaveProperty([CUSTOM]);
    expect(got.body.phoneNumbers).toEqual([WORK, { type: 'mobile' }]);
    expect(user.resource).toEqual(got.body);
    const stream = await userStream(suite.server, ENTRA.providerId, ada.id);
    expect(stream.map((e) => e.type)).toEqual(['UserProvisioned', 'AttributesCleared']);
    expect(stream[1].actor).toEqual(ADMIN.actor);
    expect(stream[1].data).toMatchObject({ changes: [{ attribute: 'title', oldValue: 'Analyst' }, { attribute: 'phoneNumbers' }, { attribute: `${CUSTOM}:JobCode`, oldValue: 'AE-1' }] });
  });

  it('clears a value kept from before its attribute was retired (the IdP can no longer send it, so only an administrator can remove it)', async () => {
    const ada = await provisioned(suite.scim);
    await new IdentityProviderWriter(suite.server.stores, 'test').write(ENTRA.providerId, (s) => decideRetireCustomAttribute(s, `${CUSTOM}:JobCode`));
    expect((await suite.scim.get(`/Users/${ada.id}`)).body[CUSTOM]).toEqual({ JobCode: 'AE-1' });

    const { cleared } = await userAdministration(suite.server).clear(ENTRA.providerId, ada.id, [`${CUSTOM}:JobCode`], ADMIN);
    expect(cleared).toEqual([`${CUSTOM}:JobCode`]);
    expect((await suite.scim.get(`/Users/${ada.id}`)).body).not.toHaveProperty([CUSTOM]);
    await new IdentityProviderWriter(suite.server.stores, 'test').write(ENTRA.providerId, (s) => decideRegisterCustomAttribute(s, `${CUSTOM}:JobCode`));
  });

  it('records nothing when there is nothing to clear, and says so', async () => {
    const ada = await provisioned(suite.scim);
    const { user, cleared } = await userAdministration(suite.server).clear(ENTRA.providerId, ada.id, ['nickName', 'phoneNumbers[type eq "fax"].value'], ADMIN);
    expect({ cleared, version: user.version }).toEqual({ cleared: [], version: 0 });
    expect((await userStream(suite.server, ENTRA.providerId, ada.id)).map((e) => e.type)).toEqual(['UserProvisioned']);
  });

  it.each([
    ['an unknown attribute', ['favouriteColour'], 'invalidPath'],
    ['a malformed path', ['phoneNumbers[type eq "mobile".value'], 'invalidPath'],
    ['userName (required)', ['userName'], 'invalidValue'],
    ['active', ['active'], 'invalidPath'],
  ])('refuses %s with a SCIM 400 and changes nothing', async (_case, paths, scimType) => {
    const ada = await provisioned(suite.scim);
    const error = await userAdministration(suite.server).clear(ENTRA.providerId, ada.id, paths, ADMIN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType });
    expect((await userStream(suite.server, ENTRA.providerId, ada.id)).map((e) => e.type)).toEqual(['UserProvisioned']);
  });

  it('refuses an unknown user or IdP', async () => {
    const admin = userAdministration(suite.server);
    await expect(admin.clear(ENTRA.providerId, randomUUID(), ['title'], ADMIN)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(admin.clear('no-such-idp', randomUUID(), ['title'], ADMIN)).rejects.toMatchObject({ code: 'PROVIDER_NOT_FOUND' });
  });

  it('finds users by userName and any email case-insensitively, and by externalId exactly', async () => {
    const ada = await provisioned(suite.scim);
    const admin = userAdministration(suite.server);
    const found = [
      await admin.find(ENTRA.providerId, 'userName', ada.userName.toUpperCase()),
      await admin.find(ENTRA.providerId, 'email', ada.userName.toUpperCase()),
      await admin.find(ENTRA.providerId, 'externalId', ada.externalId),
    ];
    for (const users of found) expect(users).toMatchObject([{ id: ada.id, userName: ada.userName, externalId: ada.externalId, active: true, awaitingReprovision: false }]);
    expect(await admin.find(ENTRA.providerId, 'externalId', ada.externalId.toUpperCase())).toEqual([]);
    await expect(admin.find('no-such-idp', 'userName', ada.userName)).rejects.toMatchObject({ code: 'PROVIDER_NOT_FOUND' });
  });
});

(brokers ? describe : describe.skip)('an administrator\'s clear on Kafka', () => {
  it('publishes AttributesCleared with the change set', async () => {
    const topic = `scim-test-${randomUUID()}`;
    const server = await ScimTestServer.start(storageTargets()[0], [ENTRA], { brokers: brokers!, topic, partitions: 3, clientId: 'scim-tests', maxMessageBytes: 1_000_000 });
    try {
      const ada = await provisioned(new ScimClient(server.tenantUrl(ENTRA.providerId), ENTRA.token));
      await userAdministration(server).clear(ENTRA.providerId, ada.id, ['title'], ADMIN);

      const messages = await readTopic(brokers!, topic, (m) => m.length >= 2);
      expect(messages.map((m) => m.headers.ce_type)).toEqual(['com.traffitech.scim.user.UserProvisioned.v1', 'com.traffitech.scim.user.AttributesCleared.v1']);
      expect(messages[1].key).toBe(`${ENTRA.providerId}:${ada.id}`);
      expect(messages[1].value.changes).toEqual([{ attribute: 'title', oldValue: 'Analyst' }]);
    } finally {
      await server.close();
    }
  });
});
