import { StreamIds } from '@app/identity/shared/stream-ids';
import { AdminClient, withAdminToken } from '@app/testing/admin-client';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { entraCreateUser } from '@app/testing/entra-payloads';
import { ScimClient, ScimResponse } from '@app/testing/scim-client';
import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An admin error: JSON with the status, a code word and a message, never SCIM JSON. */
function expectAdminError(response: ScimResponse, status: number, error: string) {
  expect({ status: response.status, error: response.body?.error }).toEqual({ status, error });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body).toEqual({ status, error, message: expect.any(String) });
}

describeOnEveryStore(
  'the admin API',
  [],
  (suite) => {
    const admin = () => new AdminClient(suite.server.adminOrigin);
    const register = async (body: Record<string, unknown> = { displayName: 'Contoso (Entra ID)' }) => {
      const created = await admin().post('/identity-providers', body);
      expect(created.status).toBe(201);
      return created.body;
    };

    describe('identity providers', () => {
      it('registers one under a random UUID by default and hands out its Tenant URL, SCIM still disabled', async () => {
        const created = await register();
        expect(created).toEqual({
          providerId: expect.stringMatching(UUID),
          displayName: 'Contoso (Entra ID)',
          scimEnabled: false,
          retired: false,
          rebaselineMatchingPosts: false,
          registeredAt: expect.any(String),
          tenantUrl: suite.server.tenantUrl(created.providerId),
          tokens: [],
          customAttributes: [],
        });
        const listed = await admin().get('/identity-providers');
        const { tokens: _tokens, customAttributes: _attributes, ...summary } = created;
        expect(listed.body.identityProviders).toContainEqual(summary);
        expect(await admin().get(`/identity-providers/${created.providerId}`)).toMatchObject({ status: 200, body: created });
      });

      it('enables and disables SCIM, changes the re-baseline setting, and retires: each an event with the admin as actor', async () => {
        const { providerId } = await register({ displayName: 'Fabrikam', providerId: `fabrikam-${randomUUID()}` });
        expect((await admin().post(`/identity-providers/${providerId}/enable-scim`)).body).toMatchObject({ providerId, scimEnabled: true });
        expect((await admin().post(`/identity-providers/${providerId}/disable-scim`)).body).toMatchObject({ scimEnabled: false });
        expect((await admin().patch(`/identity-providers/${providerId}`, { rebaselineMatchingPosts: true })).body).toMatchObject({ rebaselineMatchingPosts: true });
        expect((await admin().post(`/identity-providers/${providerId}/retire`)).body).toMatchObject({ retired: true });

        const events = await suite.server.stores.events.readStream(StreamIds.identityProvider(providerId));
        expect(events.map((e) => e.type)).toEqual(['IdentityProviderRegistered', 'ScimEnabled', 'ScimDisabled', 'ProvisioningSettingsChanged', 'IdentityProviderRetired']);
        for (const event of events) {
          expect(event.metadata).toMatchObject({ actor: { kind: 'admin', tokenId: 'bootstrap-admin', name: 'ADMIN_TOKEN' }, correlationId: expect.stringMatching(UUID), clientAddress: '127.0.0.1' });
        }
        expectAdminError(await admin().post(`/identity-providers/${providerId}/enable-scim`), 409, 'PROVIDER_RETIRED');
        expectAdminError(await admin().post('/identity-providers', { displayName: 'again', providerId }), 409, 'PROVIDER_ALREADY_REGISTERED');
      });

      it('answers 409 for a duplicate, 404 for an unknown IdP on every route, 400 for a bad id, name or setting', async () => {
        const { providerId } = await register({ displayName: 'Dup', providerId: `dup-${randomUUID()}` });
        expectAdminError(await admin().post('/identity-providers', { displayName: 'Dup', providerId }), 409, 'PROVIDER_ALREADY_REGISTERED');
        const unknown = `nobody-${randomUUID()}`;
        for (const [method, path, body] of [
          ['GET', '', undefined],
          ['POST', '/enable-scim', undefined],
          ['POST', '/disable-scim', undefined],
          ['POST', '/retire', undefined],
          ['PATCH', '', { rebaselineMatchingPosts: true }],
          ['GET', '/tokens', undefined],
          ['POST', '/tokens', {}],
          ['POST', '/tokens/t-1/revoke', undefined],
          ['POST', '/tokens/t-1/rotate', {}],
          ['GET', '/custom-attributes', undefined],
          ['POST', '/custom-attributes', { name: 'JobCode' }],
          ['POST', '/custom-attributes/JobCode/retire', undefined],
          ['GET', '/users?userName=ada', undefined],
          ['POST', `/users/${randomUUID()}/clear`, { paths: ['title'] }],
          ['POST', `/users/${randomUUID()}/reprovision`, undefined],
        ] as const) {
          expectAdminError(await admin().request(method, `/identity-providers/${unknown}${path}`, { body }), 404, 'PROVIDER_NOT_FOUND');
        }
        expectAdminError(await admin().post('/identity-providers', { displayName: 'Bad', providerId: 'has spaces' }), 400, 'PROVIDER_ID_INVALID');
        expectAdminError(await admin().post('/identity-providers', { displayName: 'Bad', providerId: 'x'.repeat(129) }), 400, 'PROVIDER_ID_INVALID');
        expectAdminError(await admin().post('/identity-providers', { displayName: '   ' }), 400, 'INVALID_REQUEST');
        expectAdminError(await admin().post('/identity-providers', {}), 400, 'INVALID_REQUEST');
        expectAdminError(await admin().patch(`/identity-providers/${providerId}`, { rebaselineMatchingPosts: 'on' }), 400, 'INVALID_REQUEST');
        expectAdminError(await admin().patch(`/identity-providers/${providerId}`, {}), 400, 'INVALID_REQUEST');
      });
    });

    describe('SCIM tokens', () => {
      it('issues with scopes (list or comma text), an expiry and a label, shows the secret once, lists without secrets, revokes and rotates', async () => {
        const { providerId } = await register();
        const before = Date.now();
        const issued = await admin().post(`/identity-providers/${providerId}/tokens`, { scopes: ['users:write', 'users:read'], expiresIn: '90d', label: 'Entra prod' });
        expect(issued.status).toBe(201);
        expect(issued.body).toMatchObject({ token: expect.stringMatching(/^scim_/), tokenId: expect.stringMatching(UUID), scopes: ['users:read', 'users:write'], label: 'Entra prod', revoked: false });
        const expiresIn = Date.parse(issued.body.expiresAt) - before;
        expect(expiresIn).toBeGreaterThan(90 * 86_400_000 - 60_000);
        expect(expiresIn).toBeLessThanOrEqual(90 * 86_400_000 + 60_000);
        const all = await admin().post(`/identity-providers/${providerId}/tokens`, { scopes: 'users:read, users:delete' });
        expect(all.body.scopes).toEqual(['users:read', 'users:delete']);
        const defaults = await admin().post(`/identity-providers/${providerId}/tokens`);
        expect(defaults.body).toMatchObject({ scopes: ['users:read', 'users:write', 'users:delete'] });
        expect(defaults.body).not.toHaveProperty('expiresAt');

        const listed = await admin().get(`/identity-providers/${providerId}/tokens`);
        expect(listed.body.tokens.map((t: { tokenId: string }) => t.tokenId)).toEqual([issued.body.tokenId, all.body.tokenId, defaults.body.tokenId]);
        expect(JSON.stringify(listed.body)).not.toMatch(/scim_|digest/);

        const rotated = await admin().post(`/identity-providers/${providerId}/tokens/${issued.body.tokenId}/rotate`, { overlap: '1h' });
        expect(rotated.status).toBe(201);
        expect(rotated.body).toMatchObject({ token: expect.stringMatching(/^scim_/), scopes: ['users:read', 'users:write'], label: 'Entra prod', rotated: { tokenId: issued.body.tokenId, replacedBy: rotated.body.tokenId } });
        expect(Date.parse(rotated.body.rotated.expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
        expectAdminError(await admin().post(`/identity-providers/${providerId}/tokens/${issued.body.tokenId}/rotate`), 409, 'TOKEN_ALREADY_ROTATED');

        const revoked = await admin().post(`/identity-providers/${providerId}/tokens/${all.body.tokenId}/revoke`);
        expect(revoked.body).toMatchObject({ tokenId: all.body.tokenId, revoked: true });
        expectAdminError(await admin().post(`/identity-providers/${providerId}/tokens/${all.body.tokenId}/rotate`), 409, 'TOKEN_REVOKED');
        const tokenEvents = (await suite.server.stores.events.readStream(StreamIds.identityProvider(providerId))).filter((e) => e.type.startsWith('Token'));
        expect(tokenEvents.map((e) => e.metadata.actor?.kind)).toEqual(tokenEvents.map(() => 'admin'));
        expect(JSON.stringify(tokenEvents)).not.toContain(issued.body.token);
      });

      it('refuses bad scopes, durations, labels and unknown tokens with a clear 400 or 404', async () => {
        const { providerId } = await register();
        const tokens = `/identity-providers/${providerId}/tokens`;
        expectAdminError(await admin().post(tokens, { scopes: ['users:admin'] }), 400, 'TOKEN_SCOPES_INVALID');
        expectAdminError(await admin().post(tokens, { scopes: [] }), 400, 'TOKEN_SCOPES_INVALID');
        expectAdminError(await admin().post(tokens, { scopes: 'users:read,' }), 400, 'TOKEN_SCOPES_INVALID');
        expectAdminError(await admin().post(tokens, { scopes: [7] }), 400, 'INVALID_REQUEST');
        expectAdminError(await admin().post(tokens, { expiresIn: 'forever' }), 400, 'DURATION_INVALID');
        expectAdminError(await admin().post(tokens, { expiresIn: '1s' }), 400, 'DURATION_INVALID');
        expectAdminError(await admin().post(tokens, { label: '' }), 400, 'INVALID_REQUEST');
        expectAdminError(await admin().post(tokens, { label: 'x'.repeat(201) }), 400, 'INVALID_REQUEST');
        expectAdminError(await admin().post(tokens, { scope: 'users:read' }), 400, 'INVALID_REQUEST');
        const { tokenId } = (await admin().post(tokens)).body;
        expectAdminError(await admin().post(`${tokens}/${tokenId}/rotate`, { overlap: '31d' }), 400, 'DURATION_INVALID');
        expectAdminError(await admin().post(`${tokens}/${tokenId}/rotate`, { overlap: 'soon' }), 400, 'DURATION_INVALID');
        expectAdminError(await admin().post(`${tokens}/nope/revoke`), 404, 'TOKEN_NOT_FOUND');
        expectAdminError(await admin().post(`${tokens}/nope/rotate`), 404, 'TOKEN_NOT_FOUND');
      });
    });

    describe('custom attributes', () => {
      it('registers plain and full names with a type, lists them, retires them; refuses bad names and types', async () => {
        const { providerId } = await register();
        const attributes = `/identity-providers/${providerId}/custom-attributes`;
        const jobCode = await admin().post(attributes, { name: 'JobCode' });
        expect(jobCode).toMatchObject({ status: 201, body: { name: 'JobCode', type: 'string', retired: false } });
        const full = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CompanyID';
        expect((await admin().post(attributes, { name: full, type: 'integer' })).body).toMatchObject({ name: full, type: 'integer' });
        expect((await admin().post(attributes, { name: 'jobcode' })).body).toMatchObject({ name: 'JobCode', type: 'string' });
        expect((await admin().get(attributes)).body.customAttributes.map((a: { name: string }) => a.name)).toEqual(['JobCode', full]);

        expect((await admin().post(`${attributes}/${encodeURIComponent(full)}/retire`)).body).toMatchObject({ name: full, retired: true });
        expectAdminError(await admin().post(`${attributes}/${encodeURIComponent(full)}/retire`), 404, 'CUSTOM_ATTRIBUTE_NOT_FOUND');
        expectAdminError(await admin().post(`${attributes}/CostCode/retire`), 404, 'CUSTOM_ATTRIBUTE_NOT_FOUND');
        expectAdminError(await admin().post(attributes, { name: 'JobCode', type: 'integer' }), 409, 'CUSTOM_ATTRIBUTE_ALREADY_REGISTERED');
        expectAdminError(await admin().post(attributes, { name: 'title' }), 400, 'CUSTOM_ATTRIBUTE_INVALID');
        expectAdminError(await admin().post(attributes, { name: 'urn:ietf:params:scim:schemas:core:2.0:User:nickName' }), 400, 'CUSTOM_ATTRIBUTE_INVALID');
        expectAdminError(await admin().post(attributes, { name: 'Job Code' }), 400, 'CUSTOM_ATTRIBUTE_INVALID');
        expectAdminError(await admin().post(attributes, { name: 'RegionID', type: 'float' }), 400, 'CUSTOM_ATTRIBUTE_INVALID');
        expectAdminError(await admin().post(attributes, {}), 400, 'INVALID_REQUEST');
      });
    });

    describe('users', () => {
      it('finds, clears and asks for re-provisioning over HTTP; refuses bad lookups, paths and unknown users', async () => {
        const { providerId } = await register();
        await admin().post(`/identity-providers/${providerId}/enable-scim`);
        const { token } = (await admin().post(`/identity-providers/${providerId}/tokens`)).body;
        const scim = new ScimClient(suite.server.tenantUrl(providerId), token);
        const userName = `ada.${randomUUID()}@example.com`;
        const { body: ada } = await scim.post('/Users', entraCreateUser(userName, randomUUID()));
        const users = `/identity-providers/${providerId}/users`;

        const found = await admin().get(`${users}?email=${encodeURIComponent(userName.toUpperCase())}`);
        expect(found.body.users).toMatchObject([{ id: ada.id, userName, active: true, awaitingReprovision: false, resource: { id: ada.id, title: 'Analyst' } }]);
        expect((await admin().get(`${users}?userName=nobody`)).body).toEqual({ users: [] });
        for (const query of ['', '?userName=a&email=b', '?displayName=Ada', '?userName=a&userName=b']) {
          expectAdminError(await admin().get(`${users}${query}`), 400, 'INVALID_REQUEST');
        }

        const cleared = await admin().post(`${users}/${ada.id}/clear`, { paths: ['title', 'nickName'] });
        expect(cleared.status).toBe(200);
        expect(cleared.body).toMatchObject({ cleared: ['title'], user: { id: ada.id, version: 1 } });
        expect((await scim.get(`/Users/${ada.id}`)).body).not.toHaveProperty('title');
        expectAdminError(await admin().post(`${users}/${ada.id}/clear`, { paths: ['favouriteColour'] }), 400, 'INVALID_PATH');
        expectAdminError(await admin().post(`${users}/${ada.id}/clear`, { paths: ['emails[type eq'] }), 400, 'INVALID_PATH');
        expectAdminError(await admin().post(`${users}/${ada.id}/clear`, { paths: [] }), 400, 'INVALID_REQUEST');
        expectAdminError(await admin().post(`${users}/${ada.id}/clear`, { paths: 'title' }), 400, 'INVALID_REQUEST');
        expectAdminError(await admin().post(`${users}/${randomUUID()}/clear`, { paths: ['title'] }), 404, 'USER_NOT_FOUND');
        expectAdminError(await admin().post(`${users}/not-a-uuid/clear`, { paths: ['title'] }), 404, 'NOT_FOUND');

        const reprovision = await admin().post(`${users}/${ada.id}/reprovision`);
        expect(reprovision.body).toMatchObject({ user: { id: ada.id, awaitingReprovision: true } });
        expect((await scim.get(`/Users/${ada.id}`)).status).toBe(404);
        expectAdminError(await admin().post(`${users}/${randomUUID()}/reprovision`), 404, 'USER_NOT_FOUND');

        const stream = await suite.server.stores.events.readStream(StreamIds.user(providerId, ada.id));
        expect(stream.map((e) => [e.type, e.metadata.actor?.kind])).toEqual([
          ['UserProvisioned', 'idp-token'],
          ['AttributesCleared', 'admin'],
          ['ReprovisionRequested', 'admin'],
        ]);
      });
    });
  },
  withAdminToken(),
);
