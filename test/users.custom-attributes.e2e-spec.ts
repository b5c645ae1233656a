import { decideAll, decideRegisterCustomAttribute, decideRetireCustomAttribute } from '@app/identity/identity-provider/identity-provider.decide';
import { CUSTOM, ENTERPRISE, entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from '../apps/scim-api/src/identity-providers/identity-provider-writer';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
// The customer's guide has the Entra admin type plain names (JobCode, CompanyID, …) into the
// customappsso list; this IdP registered JobCode that way and CostCode by its full URN name.
const PROVIDER = {
  providerId: 'custom-attributes',
  token: 'custom-attributes-token-0123456789',
  customAttributes: ['JobCode', `${CUSTOM}:CostCode`],
};
// Typed attributes are registered as an administrator does, after the IdP exists.
const TYPED = { providerId: 'custom-attributes-typed', token: 'custom-attributes-typed-token-0123456789' };

describeOnEveryStore('Custom attributes as the guide names them (issue 9, item 4)', [PROVIDER, TYPED], (suite) => {
  const newUser = (extra: Record<string, unknown> = {}) => ({
    ...entraCreateUser(`ca.${randomUUID()}@example.com`, randomUUID()),
    [CUSTOM]: { CostCode: 'C-1' },
    ...extra,
  });
  const stream = (providerId: string, id: string) => suite.server.stores.events.readStream(`user-${providerId}-${id}`);
  const patch = (id: string, ...Operations: Record<string, unknown>[]) => suite.scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations });

  it('keeps a plain name sent as a top-level key of a POST at the top level, on the POST answer and on GET', async () => {
    const created = await suite.scim.post('/Users', newUser({ JobCode: 'J-1' }));
    expect(created.status).toBe(201);
    expect(created.body.JobCode).toBe('J-1');
    expect(created.body[CUSTOM]).toEqual({ CostCode: 'C-1' });
    const read = await suite.scim.get(`/Users/${created.body.id}`);
    expect(read.body).toEqual(created.body);
    expect(read.body.schemas).toEqual([CORE, ENTERPRISE, CUSTOM]);
    const [provisioned] = await stream(PROVIDER.providerId, created.body.id);
    expect(provisioned.metadata.droppedAttributes ?? []).toEqual([]);
  });

  it('takes a PATCH path JobCode (default mode) and a path-less {"JobCode": …} (aadOptscim062020), and reads each back at the top level', async () => {
    const { body: user } = await suite.scim.post('/Users', newUser());
    expect(user).not.toHaveProperty('JobCode');

    const added = await patch(user.id, { op: 'Add', path: 'JobCode', value: 'J-2' });
    expect(added.status).toBe(200);
    expect(added.body.JobCode).toBe('J-2');
    expect((await suite.scim.get(`/Users/${user.id}`)).body.JobCode).toBe('J-2');

    const folded = await patch(user.id, { op: 'replace', value: { displayName: 'Ada K', JobCode: 'J-3', [`${CUSTOM}:CostCode`]: 'C-3' } });
    expect(folded.status).toBe(200);
    const read = (await suite.scim.get(`/Users/${user.id}`)).body;
    expect([read.displayName, read.JobCode, read[CUSTOM]]).toEqual(['Ada K', 'J-3', { CostCode: 'C-3' }]);

    // Entra re-sends what it read back: no change, no new event.
    const before = (await stream(PROVIDER.providerId, user.id)).length;
    expect((await patch(user.id, { op: 'Replace', path: 'JobCode', value: 'J-3' })).status).toBe(200);
    expect(await stream(PROVIDER.providerId, user.id)).toHaveLength(before);

    const removed = await patch(user.id, { op: 'Remove', path: 'jobcode' });
    expect(removed.body).not.toHaveProperty('JobCode');
  });

  it('keeps a plain name sent in a PUT at the top level', async () => {
    const { body: user } = await suite.scim.post('/Users', newUser({ JobCode: 'J-1' }));
    const replaced = await suite.scim.put(`/Users/${user.id}`, { userName: user.userName, JobCode: 'J-9' });
    expect(replaced.status).toBe(200);
    expect((await suite.scim.get(`/Users/${user.id}`)).body).toMatchObject({ JobCode: 'J-9' });
  });

  it('drops values of unregistered names, plain or full, and records each drop on the event, never a 400', async () => {
    const created = await suite.scim.post('/Users', newUser({ JobCode: 'J-1', CompanyID: '42', [CUSTOM]: { CostCode: 'C-1', JobCode: 'wrong place' } }));
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('CompanyID');
    expect(created.body[CUSTOM]).toEqual({ CostCode: 'C-1' });
    const [provisioned] = await stream(PROVIDER.providerId, created.body.id);
    expect(provisioned.metadata.droppedAttributes).toEqual(expect.arrayContaining(['CompanyID', `${CUSTOM}:JobCode`]));

    const patched = await patch(
      created.body.id,
      { op: 'Add', path: 'RegionName', value: 'EMEA' },
      { op: 'replace', value: { CompanyName: 'Contoso', title: 'Engineer' } },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.title).toBe('Engineer');
    expect(patched.body).not.toHaveProperty('RegionName');
    expect(patched.body).not.toHaveProperty('CompanyName');
    const events = await stream(PROVIDER.providerId, created.body.id);
    expect(events.at(-1)?.metadata.droppedAttributes).toEqual(['RegionName', 'CompanyName']);
  });

  it('takes an Entra-like create and update that carry both forms, each read back where it was sent', async () => {
    const userName = `both.${randomUUID()}@example.com`;
    const created = await suite.scim.post('/Users', {
      ...entraCreateUser(userName, randomUUID()),
      JobCode: 'AE-1',
      [CUSTOM]: { CostCode: 'CC-1' },
    });
    expect(created.status).toBe(201);
    const update = await patch(
      created.body.id,
      { op: 'Replace', path: 'displayName', value: 'Ada King' },
      { op: 'Replace', path: 'JobCode', value: 'AE-2' },
      { op: 'Add', path: `${CUSTOM}:CostCode`, value: 'CC-2' },
    );
    expect(update.status).toBe(200);
    const read = (await suite.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body.Resources[0];
    expect(read).toMatchObject({ displayName: 'Ada King', JobCode: 'AE-2', [CUSTOM]: { CostCode: 'CC-2' } });
    expect(Object.keys(read[CUSTOM])).toEqual(['CostCode']);
  });

  it('selects and excludes a plain name with attributes= and excludedAttributes=, and filters on it', async () => {
    const jobCode = `J-${randomUUID()}`;
    const { body: user } = await suite.scim.post('/Users', newUser({ JobCode: jobCode }));
    expect((await suite.scim.get(`/Users/${user.id}?attributes=jobCode`)).body).toEqual({ schemas: [CORE], id: user.id, JobCode: jobCode });
    const excluded = (await suite.scim.get(`/Users/${user.id}?excludedAttributes=JobCode,${CUSTOM}:CostCode`)).body;
    expect(excluded).not.toHaveProperty('JobCode');
    expect(excluded).not.toHaveProperty(CUSTOM);
    expect(excluded.userName).toBe(user.userName);

    const found = await suite.scim.get(`/Users?filter=${encodeURIComponent(`JobCode eq "${jobCode.toLowerCase()}"`)}&attributes=JobCode`);
    expect(found.status).toBe(200);
    expect(found.body.Resources).toEqual([{ schemas: [CORE], id: user.id, JobCode: jobCode }]);
    const unregistered = await suite.scim.get(`/Users?filter=${encodeURIComponent('CompanyID eq "42"')}`);
    expect([unregistered.status, unregistered.body.scimType]).toEqual([400, 'invalidFilter']);
  });

  it('lists what is registered in /Schemas and /ResourceTypes: plain names in the core User schema, full names in their extension', async () => {
    const schemas = await suite.scim.get('/Schemas');
    expect(schemas.status).toBe(200);
    const byId = new Map<string, { attributes: { name: string; type: string; description: string }[] }>(
      schemas.body.Resources.map((s: { id: string }) => [s.id, s]),
    );
    expect([...byId.keys()]).toEqual([CORE, ENTERPRISE, CUSTOM]);
    const jobCode = byId.get(CORE)?.attributes.find((a) => a.name === 'JobCode');
    expect(jobCode).toMatchObject({ type: 'string', multiValued: false, mutability: 'readWrite', returned: 'default' });
    expect(jobCode?.description).toContain('registered for this identity provider');
    expect(byId.get(CUSTOM)?.attributes.map((a) => a.name)).toEqual(['CostCode']);
    expect((await suite.scim.get(`/Schemas/${CORE}`)).body.attributes.map((a: { name: string }) => a.name)).toContain('JobCode');

    const resourceType = await suite.scim.get('/ResourceTypes/User');
    expect(resourceType.body).toMatchObject({ schema: CORE, schemaExtensions: [{ schema: ENTERPRISE, required: false }, { schema: CUSTOM, required: false }] });
  });

  describe('typed, then retired (registered through the IdP stream, as the admin API does)', () => {
    const typed = () => suite.client(TYPED);
    const idp = () => new IdentityProviderWriter(suite.server.stores, 'custom-attributes-e2e');
    beforeAll(async () => {
      await idp().write(TYPED.providerId, (state) =>
        decideAll(state, [
          (s) => decideRegisterCustomAttribute(s, 'Badge', 'integer'),
          (s) => decideRegisterCustomAttribute(s, 'Remote', 'boolean'),
          (s) => decideRegisterCustomAttribute(s, 'Rate', 'decimal'),
          (s) => decideRegisterCustomAttribute(s, 'HiredAt', 'dateTime'),
          (s) => decideRegisterCustomAttribute(s, `${CUSTOM}:Level`, 'integer'),
        ]),
      );
    });
    const typedUser = (extra: Record<string, unknown>) => typed().post('/Users', { userName: `t.${randomUUID()}@example.com`, ...extra });

    it('coerces each value to its registered type: numbers and "True" as Entra sends them, read back typed where they were sent', async () => {
      const created = await typedUser({ Badge: '42', Remote: 'True', Rate: '2.5', HiredAt: '2024-01-15T10:00:00Z', [CUSTOM]: { Level: 3 } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ Badge: 42, Remote: true, Rate: 2.5, HiredAt: '2024-01-15T10:00:00Z', [CUSTOM]: { Level: 3 } });
      const patched = await typed().patch(`/Users/${created.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'Remote', value: 'False' }, { op: 'replace', value: { Badge: 43, [`${CUSTOM}:Level`]: '4' } }],
      });
      expect(patched.status).toBe(200);
      expect((await typed().get(`/Users/${created.body.id}`)).body).toMatchObject({ Badge: 43, Remote: false, [CUSTOM]: { Level: 4 } });

      const found = await typed().get(`/Users?filter=${encodeURIComponent(`Badge gt 42 and Remote eq false and id eq "${created.body.id}"`)}`);
      expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([created.body.id]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an integer that is not one', { Badge: '4.2' }, 'Badge'],
      ['a boolean that is not one', { Remote: 'yes' }, 'Remote'],
      ['a dateTime that is not xsd:dateTime', { HiredAt: '15/01/2024' }, 'HiredAt'],
      ['an extension integer that is not one', { [CUSTOM]: { Level: 'high' } }, `${CUSTOM}:Level`],
    ])('answers 400 invalidValue naming the attribute for %s, on POST and PATCH', async (_case, extra, name) => {
      const posted = await typedUser(extra);
      expect([posted.status, posted.body.scimType]).toEqual([400, 'invalidValue']);
      expect(posted.body.detail).toContain(`"${name}"`);
      const { body: user } = await typedUser({});
      const [key, value] = Object.entries(extra)[0];
      const patched = await typed().patch(`/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: key, value }] });
      expect([patched.status, patched.body.scimType]).toEqual([400, 'invalidValue']);
      expect((await typed().get(`/Users/${user.id}`)).body.meta.version).toBe(user.meta.version);
    });

    it('lists each registered type in /Schemas', async () => {
      const { body } = await typed().get('/Schemas');
      const attributesOf = (id: string) =>
        Object.fromEntries(body.Resources.find((s: { id: string }) => s.id === id).attributes.map((a: { name: string; type: string }) => [a.name, a.type]));
      expect(attributesOf(CORE)).toMatchObject({ Badge: 'integer', Remote: 'boolean', Rate: 'decimal', HiredAt: 'dateTime' });
      expect(attributesOf(CUSTOM)).toEqual({ Level: 'integer' });
    });

    it('once an attribute is retired, drops and records what Entra still sends for it, and /Schemas no longer lists it', async () => {
      const { body: user } = await typedUser({ Rate: 1.5 });
      await idp().write(TYPED.providerId, (state) => decideRetireCustomAttribute(state, 'Rate'));

      const created = await typedUser({ Rate: 2.5, Badge: 7 });
      expect(created.status).toBe(201);
      expect(created.body).not.toHaveProperty('Rate');
      expect((await stream(TYPED.providerId, created.body.id))[0].metadata.droppedAttributes).toEqual(['Rate']);

      const patched = await typed().patch(`/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'Rate', value: '3.5' }, { op: 'Add', path: 'Badge', value: '8' }] });
      expect(patched.status).toBe(200);
      expect(patched.body.Badge).toBe(8);
      expect((await stream(TYPED.providerId, user.id)).at(-1)?.metadata.droppedAttributes).toEqual(['Rate']);

      const { body } = await typed().get(`/Schemas/${CORE}`);
      expect(body.attributes.map((a: { name: string }) => a.name)).not.toContain('Rate');
    });
  });
});
