import { CUSTOM, ENTERPRISE, EntraMode, entraCreateUser, entraSetActive, entraSetManager, entraUpdateAttributes } from '@app/testing/entra-payloads';
import { storageTargets, StorageTarget } from '@app/testing/postgres-target';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';

const PROVIDER = { providerId: 'entra-lifecycle', token: 'lifecycle-token-0123456789abcdef', customAttributes: [`${CUSTOM}:JobCode`] };

describe.each(storageTargets().map((t) => [t.name, t] as const))('Entra ID lifecycle on %s', (_name, target: StorageTarget) => {
  let server: ScimTestServer;

  beforeAll(async () => {
    server = await ScimTestServer.start(target, [PROVIDER]);
  });
  afterAll(async () => server?.close());

  describe.each(['default', 'aadOptscim062020'] as EntraMode[])('%s payloads', (mode) => {
    const query = mode === 'aadOptscim062020' ? '?aadOptscim062020' : '';
    const client = () => new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);

    it('provisions, matches, updates, disables, enables and deletes a user, reading back what it sent', async () => {
      const scim = client();
      const userName = `ada.${randomUUID()}@example.com`;
      const externalId = `ada-${randomUUID()}`;

      // Test Connection: a random GUID that cannot match, form-encoded as Entra sends it.
      const probe = await scim.get(`/Users?filter=userName+eq+%22${randomUUID()}%22${query.replace('?', '&')}`);
      expect(probe.status).toBe(200);
      expect(probe.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(probe.body).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });

      const sent = entraCreateUser(userName, externalId);
      const created = await scim.post(`/Users${query}`, sent);
      expect(created.status).toBe(201);
      const id = created.body.id;
      expect(typeof id).toBe('string');
      expect(created.headers.get('location')).toBe(`${server.tenantUrl(PROVIDER.providerId)}/Users/${id}`);
      expect(created.headers.get('etag')).toBe('W/"0"');
      expect(created.body).toMatchObject({
        userName,
        externalId,
        active: true,
        emails: sent.emails,
        name: sent.name,
        phoneNumbers: sent.phoneNumbers,
        [ENTERPRISE]: sent[ENTERPRISE] as object,
        [CUSTOM]: sent[CUSTOM] as object,
        meta: { resourceType: 'User', version: 'W/"0"' },
      });
      expect(created.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE, CUSTOM]);

      // The GET right after the POST finds it (read-your-writes), by id and by the matching filters.
      const byId = await scim.get(`/users/${id}${query}`);
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(created.body);
      const byUserName = await scim.get(`/Users?filter=userName+eq+%22${encodeURIComponent(userName.toUpperCase())}%22`);
      expect(byUserName.body.totalResults).toBe(1);
      expect(byUserName.body.Resources[0]).toEqual(created.body);
      const byExternalId = await scim.get(`/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`);
      expect(byExternalId.body.Resources.map((u: { id: string }) => u.id)).toEqual([id]);
      const byWorkEmail = await scim.get(`/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "${userName}"`)}`);
      expect(byWorkEmail.body.totalResults).toBe(1);

      const updated = await scim.patch(`/Users/${id}${query}`, entraUpdateAttributes(mode));
      expect(updated.status).toBe(200);
      expect(updated.body.displayName).toBe('Ada King');
      expect(updated.body.name).toEqual({ formatted: 'Ada Lovelace', familyName: 'King', givenName: 'Ada' });
      expect(updated.body.emails).toEqual([{ primary: true, type: 'work', value: 'ada.king@example.com' }]);
      expect(updated.body.phoneNumbers).toEqual([
        { type: 'work', value: '+44 (0)20 7946-0000' },
        { type: 'mobile', value: '+44 7700 900123' },
      ]);
      expect(updated.body[ENTERPRISE]).toEqual({ employeeNumber: '0815', department: 'Analytical Engines' });
      expect(updated.body[CUSTOM]).toEqual({ JobCode: 'AE-2' });

      // The same PATCH again changes nothing: no new version, so Entra's next cycle sees no diff.
      const again = await scim.patch(`/Users/${id}${query}`, entraUpdateAttributes(mode));
      expect(again.body.meta.version).toBe(updated.body.meta.version);

      const manager = await scim.post('/Users', entraCreateUser(`boss.${randomUUID()}@example.com`, `boss-${randomUUID()}`));
      const managed = await scim.patch(`/Users/${id}`, entraSetManager(mode, manager.body.id));
      expect(managed.body[ENTERPRISE].manager).toEqual({ value: manager.body.id });
      const managerCheck = await scim.get(
        `/Users?filter=${encodeURIComponent(`id eq ${id} and manager eq ${manager.body.id}`)}&attributes=id`,
      );
      expect(managerCheck.body.Resources).toEqual([{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id }]);

      const disabled = await scim.patch(`/Users/${id}${query}`, entraSetActive(mode, false));
      expect(disabled.status).toBe(200);
      expect(disabled.body.active).toBe(false);
      expect((await scim.get(`/Users/${id}`)).body.active).toBe(false);
      const stillMatched = await scim.get(`/Users?filter=userName+eq+%22${encodeURIComponent(userName)}%22`);
      expect(stillMatched.body.Resources[0].active).toBe(false);

      const enabled = await scim.patch(`/Users/${id}${query}`, entraSetActive(mode, true));
      expect(enabled.body.active).toBe(true);

      const deleted = await scim.delete(`/Users/${id}${query}`);
      expect(deleted.status).toBe(204);
      expect((await scim.get(`/Users/${id}`)).status).toBe(404);
      const gone = await scim.get(`/Users?filter=userName+eq+%22${encodeURIComponent(userName)}%22`);
      expect(gone.body).toMatchObject({ totalResults: 0, Resources: [] });

      // The name is free again, and the deleted user's history is still in the log.
      const recreated = await scim.post('/Users', sent);
      expect(recreated.status).toBe(201);
      expect(recreated.body.id).not.toBe(id);
      const history = await server.stores.events.readStream(`user-${PROVIDER.providerId}-${id}`);
      expect(history.map((e) => e.type)).toEqual([
        'UserProvisioned',
        'AttributesPatched',
        'AttributesPatched',
        'UserDeactivated',
        'UserReactivated',
        'UserDeleted',
      ]);
      expect(history[0].metadata).toMatchObject({
        actor: { kind: 'idp-token', providerId: PROVIDER.providerId },
        scimOperation: { method: 'POST' },
      });
    });
  });
});
