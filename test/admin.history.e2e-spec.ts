import { withAdminToken } from '@app/testing/admin-client';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { entraCreateUser, entraSetActive, entraUpdateAttributes } from '@app/testing/entra-payloads';
import { ScimClient } from '@app/testing/scim-client';
import { randomUUID } from 'node:crypto';
import { runAdminCli } from '../apps/admin-cli/src/admin-cli';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ms = (iso: string, delta = 0) => new Date(Date.parse(iso) + delta).toISOString();

/**
 * Issue 10 items 3 and 4, as support and an auditor use them: an Entra-like lifecycle with an
 * administrator's clear and a re-provisioning in it, then `user history` and `user as-of` through
 * `npm run admin` (its main, in process) against the running server, on every store.
 */
describeOnEveryStore(
  'a user\'s history and the user as of any point, through the admin CLI',
  [],
  (suite) => {
    async function admin(...argv: string[]) {
      let [out, err] = ['', ''];
      const code = await runAdminCli(argv, { ADMIN_URL: suite.server.adminOrigin, ADMIN_TOKEN: helpdesk }, { out: (t) => (out += t), err: (t) => (err += t) });
      return { code, out, err };
    }
    async function adminJson(...argv: string[]) {
      const run = await admin(...argv, '--json');
      expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: '' });
      return JSON.parse(run.out);
    }
    let helpdesk = 'test-admin-token-0123456789abcdef';

    it('lists every event with its actor and request id, and folds the log to each of them', async () => {
      const issued = await adminJson('admin-token', 'issue', '--label', 'Helpdesk');
      helpdesk = issued.token;
      const providerId = `contoso-${randomUUID().slice(0, 8)}`;
      const idp = await adminJson('idp', 'create', '--name', 'Contoso', '--id', providerId);
      const token = await adminJson('token', 'issue', providerId, '--label', 'Entra');
      await adminJson('idp', 'enable-scim', providerId);
      const entra = new ScimClient(idp.tenantUrl, token.token);

      // The lifecycle; after each step, what a GET by id renders (the as-of view must equal it).
      const [userName, externalId] = [`ada.${randomUUID()}@contoso.example`, randomUUID()];
      const created = await entra.post('/Users', entraCreateUser(userName, externalId));
      expect(created.status).toBe(201);
      const userId: string = created.body.id;
      const seen: Record<string, unknown>[] = [created.body];
      const get = async () => (await entra.get(`/Users/${userId}`)).body;
      expect((await entra.patch(`/Users/${userId}`, entraUpdateAttributes('default'))).status).toBe(200);
      seen.push(await get());
      expect((await entra.patch(`/Users/${userId}`, entraSetActive('default', false))).status).toBe(200);
      seen.push(await get());
      expect((await adminJson('user', 'clear', providerId, userId, 'title')).cleared).toEqual(['title']);
      seen.push(await get());
      await adminJson('user', 'reprovision', providerId, userId);
      expect((await entra.get(`/Users/${userId}`)).status).toBe(404);
      const reposted = await entra.post('/Users', { ...entraCreateUser(userName, externalId), displayName: 'Ada King' });
      expect(reposted.status).toBe(201);
      seen.push(await get());
      expect((await entra.delete(`/Users/${userId}`)).status).toBe(204);

      // History: exactly that sequence, each event with its actor, request and what was sent.
      const { events } = await adminJson('user', 'history', providerId, userId);
      expect(events.map((e: { type: string }) => e.type)).toEqual([
        'UserProvisioned',
        'AttributesPatched',
        'UserDeactivated',
        'AttributesCleared',
        'ReprovisionRequested',
        'UserReprovisioned',
        'UserDeleted',
      ]);
      expect(events.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      const viaEntra = { kind: 'idp-token', providerId, tokenId: token.tokenId };
      const viaHelpdesk = { kind: 'admin', tokenId: issued.tokenId, name: 'Helpdesk' };
      expect(events.map((e: { actor: unknown }) => e.actor)).toEqual([viaEntra, viaEntra, viaEntra, viaHelpdesk, viaHelpdesk, viaEntra, viaEntra]);
      const requestIds = events.map((e: { requestId: string }) => e.requestId);
      expect(requestIds.every((id: string) => UUID.test(id))).toBe(true);
      expect(new Set(requestIds).size).toBe(7);
      expect(events.every((e: { clientAddress: string }) => /127\.0\.0\.1/.test(e.clientAddress))).toBe(true);
      expect(events[0]).toMatchObject({ scimOperation: { method: 'POST', body: { userName, externalId } }, change: { attributes: { userName, externalId, title: 'Analyst' } } });
      expect(events[1]).toMatchObject({ scimOperation: { method: 'PATCH', body: entraUpdateAttributes('default') }, change: { changes: expect.arrayContaining([expect.objectContaining({ attribute: 'displayName', newValue: 'Ada King' })]) } });
      expect(events[3]).toMatchObject({ change: { changes: [{ attribute: 'title', oldValue: 'Analyst' }] } });
      expect(events[3]).not.toHaveProperty('scimOperation');
      expect(events[5]).toMatchObject({ scimOperation: { method: 'POST' }, change: { attributes: { displayName: 'Ada King' } } });
      const times: string[] = events.map((e: { occurredAt: string }) => e.occurredAt);
      expect([...times].sort()).toEqual(times);

      // The table a person reads: time, event, actor, request id.
      const table = await admin('user', 'history', providerId, userId);
      expect(table.code).toBe(0);
      const lines = table.out.trim().split('\n');
      expect(lines[0]).toMatch(/^TIME\s+REV\s+EVENT\s+ACTOR\s+REQUEST ID$/);
      expect(lines[4].split(/\s{2,}/)).toEqual([times[3], '3', 'AttributesCleared', `admin Helpdesk (${issued.tokenId})`, requestIds[3]]);
      expect(lines[1].split(/\s{2,}/)).toEqual([times[0], '0', 'UserProvisioned', `idp ${providerId} token ${token.tokenId}`, requestIds[0]]);

      // --from / --to: inclusive, by the time each event occurred.
      const window = await adminJson('user', 'history', providerId, userId, '--from', times[2], '--to', times[4]);
      const expectedRevisions = [0, 1, 2, 3, 4, 5, 6].filter((r) => times[r] >= times[2] && times[r] <= times[4]);
      expect(window.events.map((e: { revision: number }) => e.revision)).toEqual(expectedRevisions);
      expect((await adminJson('user', 'history', providerId, userId, '--from', ms(times[6], 1))).events).toEqual([]);
      expect((await adminJson('user', 'history', providerId, userId, '--to', ms(times[0], -1))).events).toEqual([]);

      // As of each event's log position: exactly what a GET answered right after it.
      const positions: number[] = events.map((e: { position: number }) => e.position);
      const afterClear = seen[3] as { meta: Record<string, unknown> };
      const expected = [seen[0], seen[1], seen[2], seen[3], { ...afterClear, meta: { ...afterClear.meta, version: 'W/"4"', lastModified: times[4] } }, seen[4]];
      for (const [revision, user] of expected.entries()) {
        const asOf = await adminJson('user', 'as-of', providerId, userId, String(positions[revision]));
        expect({ revision: asOf.revision, position: asOf.position, awaitingReprovision: asOf.awaitingReprovision, user: asOf.user }).toEqual({
          revision,
          position: positions[revision],
          awaitingReprovision: revision === 4,
          user,
        });
        // By time: the last event that had occurred by then (two events may share a millisecond).
        const byTime = await adminJson('user', 'as-of', providerId, userId, times[revision]);
        const last = times.lastIndexOf(times[revision]);
        expect(byTime.revision).toBe(last);
        if (last < 6) expect(byTime.user).toEqual(expected[last]);
      }
      // The states differ where they should: cleared by the admin, then re-baselined to exactly what Entra POSTed again.
      expect(seen[2]).toMatchObject({ active: false, title: 'Analyst', name: { familyName: 'King' } });
      expect(seen[3]).not.toHaveProperty('title');
      expect(seen[4]).toMatchObject({ active: true, title: 'Analyst', displayName: 'Ada King', name: { familyName: 'Lovelace' } });

      // Before creation, and once deleted: 404, saying which.
      const before = await admin('user', 'as-of', providerId, userId, ms(times[0], -1));
      expect(before).toMatchObject({ code: 1, out: '' });
      expect(before.err).toMatch(/did not exist yet.*\(404 USER_NOT_FOUND\)\n$/);
      const deleted = await admin('user', 'as-of', providerId, userId, String(positions[6]));
      expect(deleted.err).toMatch(/had been deleted by then.*\(404 USER_NOT_FOUND\)\n$/);

      // An auditor still reads it after the IdP is retired (its SCIM routes are gone, its log is not).
      await adminJson('idp', 'retire', providerId);
      expect((await adminJson('user', 'history', providerId, userId)).events).toEqual(events);
      expect((await adminJson('user', 'as-of', providerId, userId, String(positions[5]))).user).toEqual(seen[4]);
    });

    it('answers 404 for an unknown IdP or user and 400 for a bad time or position, as admin JSON', async () => {
      const api = (path: string) => fetch(`${suite.server.adminOrigin}/admin/v1${path}`, { headers: { Authorization: `Bearer ${helpdesk}` } });
      const providerId = `fabrikam-${randomUUID().slice(0, 8)}`;
      await adminJson('idp', 'create', '--name', 'Fabrikam', '--id', providerId);
      const cases: [string, number, string][] = [
        [`/identity-providers/nope-${randomUUID()}/users/${randomUUID()}/history`, 404, 'PROVIDER_NOT_FOUND'],
        [`/identity-providers/${providerId}/users/${randomUUID()}/history`, 404, 'USER_NOT_FOUND'],
        [`/identity-providers/${providerId}/users/${randomUUID()}/as-of?at=1`, 404, 'USER_NOT_FOUND'],
        [`/identity-providers/${providerId}/users/not-a-uuid/as-of?at=1`, 404, 'NOT_FOUND'],
        [`/identity-providers/${providerId}/users/${randomUUID()}/history?from=yesterday`, 400, 'INVALID_REQUEST'],
        [`/identity-providers/${providerId}/users/${randomUUID()}/history?to=2026-02-30T00:00:00Z`, 400, 'INVALID_REQUEST'],
        [`/identity-providers/${providerId}/users/${randomUUID()}/history?since=2026-01-01`, 400, 'INVALID_REQUEST'],
        [`/identity-providers/${providerId}/users/${randomUUID()}/history?from=a&from=b`, 400, 'INVALID_REQUEST'],
        [`/identity-providers/${providerId}/users/${randomUUID()}/as-of`, 400, 'INVALID_REQUEST'],
        [`/identity-providers/${providerId}/users/${randomUUID()}/as-of?at=0`, 400, 'INVALID_REQUEST'],
        [`/identity-providers/${providerId}/users/${randomUUID()}/as-of?at=2026-12-02T07:00:00`, 400, 'INVALID_REQUEST'],
      ];
      for (const [path, status, error] of cases) {
        const response = await api(path);
        expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status, type: 'application/json; charset=utf-8' });
        expect(await response.json()).toMatchObject({ status, error, message: expect.any(String) });
      }
      const bad = await admin('user', 'history', providerId, randomUUID(), '--from', 'yesterday');
      expect(bad).toMatchObject({ code: 1, out: '' });
      expect(bad.err).toMatch(/ISO 8601.*\(400 INVALID_REQUEST\)\n$/);
    });
  },
  withAdminToken(),
);
