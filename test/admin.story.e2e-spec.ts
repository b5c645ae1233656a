import { StreamIds } from '@app/identity/shared/stream-ids';
import type { KafkaConfig } from '@app/platform/config/app-config';
import { TEST_ADMIN_TOKEN, withAdminToken } from '@app/testing/admin-client';
import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { readTopic, testKafkaBrokers } from '@app/testing/kafka-topic-reader';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient, ScimResponse } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';
import { runAdminCli } from '../apps/admin-cli/src/admin-cli';
import { until } from './built-service';

const brokers = testKafkaBrokers();
const kafkaConfig = (topic: string): KafkaConfig => ({ brokers: brokers!, topic, partitions: 3, clientId: 'scim-admin-story', maxMessageBytes: 1_000_000 });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MOBILE = { type: 'mobile', value: '+44 7700 900123' };
const WORK = { type: 'work', value: '+44 (0)20 7946-0000' };

/** Entra's Test Connection probe: a filter on a random userName. */
const testConnection = (scim: ScimClient, token = scim.token) => scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`, { token });

/**
 * The customer's guide (shared/seed/customer-guide-entra-id-scim.txt) from the TraffiTech
 * administrator's side, every step through `npm run admin` (its main, in process) against a
 * running server, with an Entra-like client provisioning in between.
 */
describe.each(storageTargets().map((t) => [t.name, t] as const))('the administrator story of the customer guide, through the admin CLI, on %s', (_name, target) => {
  let server: ScimTestServer;
  const topic = `scim-admin-story-${randomUUID()}`;
  beforeAll(async () => {
    server = await ScimTestServer.start(target, [], brokers ? kafkaConfig(topic) : undefined, withAdminToken());
  });
  afterAll(async () => server?.close());

  /** Runs `npm run admin -- <argv>` with ADMIN_URL at the server and the given admin token. */
  async function admin(argv: string[], token = helpdeskToken) {
    let out = '';
    let err = '';
    const code = await runAdminCli(argv, { ADMIN_URL: server.adminOrigin, ADMIN_TOKEN: token }, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  }
  /** The same with --json: the API's result as one JSON document. */
  async function adminJson(...argv: string[]) {
    const run = await admin([...argv, '--json']);
    expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: '' });
    return JSON.parse(run.out);
  }
  let helpdeskToken = TEST_ADMIN_TOKEN;

  it('runs the guide from registering the IdP to re-provisioning a user, each change effective at once and recorded with the administrator', async () => {
    // A second administrator, issued by the one from ADMIN_TOKEN: the rest of the story acts as "Helpdesk".
    const helpdesk = await adminJson('admin-token', 'issue', '--label', 'Helpdesk');
    expect(helpdesk).toMatchObject({ token: expect.stringMatching(/^admin_/), label: 'Helpdesk' });
    helpdeskToken = helpdesk.token;

    // Prerequisites: the IdP is registered; the administrator hands out the Tenant URL and a Secret Token.
    const idp = await adminJson('idp', 'create', '--name', 'Contoso (Entra ID)');
    expect(idp.providerId).toMatch(UUID);
    expect(idp.tenantUrl).toBe(server.tenantUrl(idp.providerId));
    const providerId: string = idp.providerId;
    const first = await adminJson('token', 'issue', providerId, '--label', 'Entra provisioning');
    expect(first).toMatchObject({ token: expect.stringMatching(/^scim_/), tokenId: expect.stringMatching(UUID), scopes: ['users:read', 'users:write', 'users:delete'] });
    const entra = new ScimClient(idp.tenantUrl, first.token);

    // Step 2, Test Connection: 403 until SCIM is enabled (the guide's common issue), then 200 with no users.
    expect((await testConnection(entra)).status).toBe(403);
    await adminJson('idp', 'enable-scim', providerId);
    const probe = await testConnection(entra);
    expect({ status: probe.status, totalResults: probe.body.totalResults }).toEqual({ status: 200, totalResults: 0 });

    // Step 3: the custom attribute JobCode, typed as a plain name in Entra's customappsso list, registered the same way.
    expect(await adminJson('attribute', 'register', providerId, 'JobCode')).toMatchObject({ name: 'JobCode', type: 'string', retired: false });

    // Step 5: provisioning on. Entra POSTs the user; JobCode is kept and read back at the top level.
    const [userName, externalId] = [`ada.${randomUUID()}@contoso.example`, randomUUID()];
    const created = await entra.post('/Users', { ...entraCreateUser(userName, externalId), phoneNumbers: [WORK, MOBILE], JobCode: 'J-1' });
    expect(created.status).toBe(201);
    const userId: string = created.body.id;
    expect((await entra.get(`/Users/${userId}`)).body).toMatchObject({ JobCode: 'J-1', title: 'Analyst' });

    // "Test Connection fails with 403": SCIM disabled, then enabled again.
    await adminJson('idp', 'disable-scim', providerId);
    expect((await entra.get(`/Users/${userId}`)).status).toBe(403);
    await adminJson('idp', 'enable-scim', providerId);
    expect((await entra.get(`/Users/${userId}`)).status).toBe(200);

    // Re-issuing the Secret Token: a rotation keeps the old token working until the overlap ends, so Entra never fails a cycle.
    const rotated = await adminJson('token', 'rotate', providerId, first.tokenId, '--overlap', '2s');
    expect(rotated).toMatchObject({ token: expect.stringMatching(/^scim_/), scopes: first.scopes, label: 'Entra provisioning', rotated: { tokenId: first.tokenId } });
    const rotatedEntra = new ScimClient(idp.tenantUrl, rotated.token);
    expect((await entra.get(`/Users/${userId}`)).status).toBe(200);
    expect((await rotatedEntra.get(`/Users/${userId}`)).status).toBe(200);
    expect(await until(async () => (await entra.get(`/Users/${userId}`)).status === 401, 8_000)).toBe(true);
    expect((await rotatedEntra.get(`/Users/${userId}`)).status).toBe(200);

    // "Test Connection fails with 401": a revoked token.
    await adminJson('token', 'revoke', providerId, rotated.tokenId);
    expect((await testConnection(rotatedEntra)).status).toBe(401);
    const current = new ScimClient(idp.tenantUrl, (await adminJson('token', 'issue', providerId)).token);

    // "Insufficient scope errors (403)": a token without users:write cannot POST, and the answer says which scope is missing.
    const readOnly = await adminJson('token', 'issue', providerId, '--scopes', 'users:read');
    expect(readOnly.scopes).toEqual(['users:read']);
    const refused = await current.post('/Users', entraCreateUser(`bob.${randomUUID()}@contoso.example`, randomUUID()), { token: readOnly.token });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('insufficient scope');
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="users:write"');
    expect((await current.get(`/Users/${userId}`, { token: readOnly.token })).status).toBe(200);

    // A retired attribute is no longer taken: Entra's values for it are dropped, and each drop is recorded on the event.
    expect(await adminJson('attribute', 'retire', providerId, 'JobCode')).toMatchObject({ name: 'JobCode', retired: true });
    const patched = await current.patch(`/Users/${userId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'JobCode', value: 'J-2' }] });
    expect(patched.status).toBe(200);
    expect(patched.body.JobCode).not.toBe('J-2');
    const bob = await current.post('/Users', { ...entraCreateUser(`bob.${randomUUID()}@contoso.example`, randomUUID()), JobCode: 'J-3' });
    expect(bob.status).toBe(201);
    expect(bob.body).not.toHaveProperty('JobCode');
    expect((await server.stores.events.readStream(StreamIds.user(providerId, bob.body.id)))[0].metadata.droppedAttributes).toContain('JobCode');

    // "Cleared attributes are not propagated": the administrator clears them by hand.
    const found = await adminJson('user', 'find', providerId, '--userName', userName.toUpperCase());
    expect(found.users).toMatchObject([{ id: userId, userName, externalId, active: true, awaitingReprovision: false }]);
    const cleared = await adminJson('user', 'clear', providerId, userId, 'title', 'phoneNumbers[type eq "mobile"].value');
    expect(cleared.cleared).toEqual(['title', 'phoneNumbers[type eq "mobile"].value']);
    const afterClear = (await current.get(`/Users/${userId}`)).body;
    expect(afterClear).not.toHaveProperty('title');
    expect(afterClear.phoneNumbers).toEqual([WORK, { type: 'mobile' }]);

    // The guide's other remedy, made to work with Entra's real flow: re-provision, then Entra's POST re-baselines the same user.
    expect(await adminJson('user', 'reprovision', providerId, userId)).toMatchObject({ user: { id: userId, awaitingReprovision: true } });
    expect((await current.get(`/Users/${userId}`)).status).toBe(404);
    const lookup = await current.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(lookup.body.totalResults).toBe(0);
    const { title: _title, phoneNumbers: _phones, ...withoutClearedValues } = entraCreateUser(userName, externalId);
    const reposted = await current.post('/Users', withoutClearedValues);
    expect(reposted.status).toBe(201);
    expect(reposted.body.id).toBe(userId);
    expect(reposted.body).not.toHaveProperty('title');
    expect(reposted.body).not.toHaveProperty('phoneNumbers');
    expect((await current.get(`/Users/${userId}`)).body).toMatchObject({ id: userId, userName, externalId });

    // A plain duplicate POST stays a 409, as Microsoft's validator expects.
    expect((await current.post('/Users', withoutClearedValues)).status).toBe(409);

    // The log: every administrator change is an event with Helpdesk's token as actor, on the IdP's or the user's stream.
    const actor = { kind: 'admin', tokenId: helpdesk.tokenId, name: 'Helpdesk' };
    const idpEvents = await server.stores.events.readStream(StreamIds.identityProvider(providerId));
    expect(idpEvents.map((e) => e.type)).toEqual([
      'IdentityProviderRegistered',
      'TokenIssued',
      'ScimEnabled',
      'CustomAttributeRegistered',
      'ScimDisabled',
      'ScimEnabled',
      'TokenIssued',
      'TokenRotated',
      'TokenRevoked',
      'TokenIssued',
      'TokenIssued',
      'CustomAttributeRetired',
    ]);
    for (const event of idpEvents) expect(event.metadata).toMatchObject({ actor, correlationId: expect.stringMatching(UUID), clientAddress: '127.0.0.1' });
    const userEvents = await server.stores.events.readStream(StreamIds.user(providerId, userId));
    expect(userEvents.map((e) => [e.type, e.metadata.actor?.kind])).toEqual([
      ['UserProvisioned', 'idp-token'],
      ['AttributesCleared', 'admin'],
      ['ReprovisionRequested', 'admin'],
      ['UserReprovisioned', 'idp-token'],
    ]);
    expect(userEvents[1].metadata.actor).toEqual(actor);

    if (brokers) {
      const wanted = ['AttributesCleared', 'ReprovisionRequested', 'UserReprovisioned'].map((type) => `com.traffitech.scim.user.${type}.v1`);
      const messages = await readTopic(brokers, topic, (m) => wanted.every((type) => m.some((message) => message.headers.ce_type === type)));
      const ofUser = messages.filter((m) => m.key === `${providerId}:${userId}`);
      expect(ofUser.map((m) => m.headers.ce_type)).toEqual(expect.arrayContaining(wanted));
      const clearedMessage = ofUser.find((m) => m.headers.ce_type === wanted[0]);
      expect(clearedMessage?.value.changes.map((c: { attribute: string }) => c.attribute)).toEqual(['title', 'phoneNumbers']);
    }
  }, 120_000);

  it('shows readable tables without --json, and answers mistakes with the API\'s message on stderr and a non-zero exit', async () => {
    const idp = await adminJson('idp', 'create', '--name', 'Tables', '--id', `tables-${randomUUID()}`);
    const issued = await adminJson('token', 'issue', idp.providerId, '--label', 'Entra');
    await adminJson('idp', 'enable-scim', idp.providerId);
    const user = await new ScimClient(idp.tenantUrl, issued.token).post('/Users', entraCreateUser(`t.${randomUUID()}@contoso.example`, randomUUID()));
    const show = await admin(['idp', 'show', idp.providerId]);
    expect(show.code).toBe(0);
    expect(show.out).toContain(`Tenant URL:                 ${idp.tenantUrl}\n`);
    expect(show.out).toMatch(new RegExp(`TOKEN ID +LABEL +SCOPES +ISSUED AT +EXPIRES AT +STATUS\\n${issued.tokenId} +Entra +users:read,users:write,users:delete +\\S+ +never +active\\n`));
    expect(show.out).not.toContain(issued.token);
    const list = await admin(['idp', 'list']);
    expect(list.out).toMatch(new RegExp(`^PROVIDER ID +DISPLAY NAME +SCIM +TENANT URL\\n`));
    expect(list.out).toMatch(new RegExp(`${idp.providerId} +Tables +enabled +${idp.tenantUrl.replace(/[.]/g, '\\.')}\\n`));
    const issue = await admin(['token', 'issue', idp.providerId]);
    expect(issue.out).toMatch(/^Secret Token: +scim_\S+\nToken id: +\S+\n/);

    const expectFailure = async (argv: string[], exit: number, message: RegExp, token?: string) => {
      const run = await admin(argv, token);
      expect({ code: run.code, out: run.out }).toEqual({ code: exit, out: '' });
      expect(run.err).toMatch(message);
    };
    await expectFailure(['idp', 'show', 'nobody'], 1, /^Error: No identity provider "nobody" \(404 PROVIDER_NOT_FOUND\)\n$/);
    await expectFailure(['idp', 'create', '--name', 'Again', '--id', idp.providerId], 1, /\(409 PROVIDER_ALREADY_REGISTERED\)\n$/);
    await expectFailure(['token', 'issue', idp.providerId, '--scopes', 'users:admin'], 1, /Unknown token scope "users:admin".*\(400 TOKEN_SCOPES_INVALID\)\n$/);
    await expectFailure(['token', 'issue', idp.providerId, '--expires-in', 'soon'], 1, /\(400 DURATION_INVALID\)\n$/);
    await expectFailure(['user', 'clear', idp.providerId, user.body.id, 'favouriteColour'], 1, /\(400 INVALID_PATH\)\n$/);
    await expectFailure(['user', 'clear', idp.providerId, randomUUID(), 'title'], 1, /\(404 USER_NOT_FOUND\)\n$/);
    await expectFailure(['idp', 'list'], 1, /^Error: The bearer token is not a valid admin token.*\(401 UNAUTHORIZED\)\n$/, issued.token);
    await expectFailure(['idp', 'show'], 2, /^idp show needs <providerId>\nUsage:/);
    const noToken = await runAdminCli(['idp', 'list'], { ADMIN_URL: server.adminOrigin }, { out: () => undefined, err: () => undefined });
    expect(noToken).toBe(2);
  });
});
