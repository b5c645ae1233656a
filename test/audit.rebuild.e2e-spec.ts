import { AdminClient, TEST_ADMIN_TOKEN, withAdminToken } from '@app/testing/admin-client';
import { describeOnEveryStore, SuiteContext } from '@app/testing/describe-on-every-store';
import { entraCreateUser, entraSetActive, ENTERPRISE, PATCH_OP } from '@app/testing/entra-payloads';
import { ScimClient } from '@app/testing/scim-client';
import { NO_RATE_LIMITS } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';
import { runAdminCli } from '../apps/admin-cli/src/admin-cli';

const IDPS = [
  { providerId: `rebuild-a-${randomUUID().slice(0, 8)}`, token: `rebuild-a-token-${randomUUID()}` },
  { providerId: `rebuild-b-${randomUUID().slice(0, 8)}`, token: `rebuild-b-token-${randomUUID()}` },
];
const OPERATIONS = 2000;
const IN_FLIGHT = 8;

/** A small seeded generator (mulberry32): the same seed replays the same operations. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] };
}

interface KnownUser {
  readonly client: ScimClient;
  readonly providerId: string;
  readonly id: string;
  readonly userName: string;
  readonly externalId: string;
}

/**
 * Entra-like traffic over HTTP from `lanes` lanes at once, each with users of its own (so every
 * answer is known in advance): POST, PATCH, PUT, deactivate, reactivate and DELETE across both
 * IdPs, an administrator's clear, and a re-provisioning (admin reprovision, then Entra's POST).
 * Returns every answer that was not the one expected, and how many operations were done.
 */
async function traffic(suite: SuiteContext, seed: number, operations: number, lanes: number, running: () => boolean = () => true) {
  const admin = new AdminClient(suite.server.adminOrigin);
  const clients = IDPS.map((idp) => ({ client: suite.client(idp), providerId: idp.providerId }));
  const unexpected: string[] = [];
  let answered = 0;
  const expect = (what: string, status: number, wanted: number) => {
    if (status !== wanted) unexpected.push(`${what}: ${status}, expected ${wanted}`);
    return status === wanted;
  };
  const lane = async (n: number) => {
    const rnd = random(seed * 100 + n);
    const users: KnownUser[] = [];
    for (let i = n; i < operations && running(); i += lanes, answered++) {
      const user = users.length > 0 ? rnd.pick(users) : undefined;
      const kind = !user || users.length < 3 ? 'post' : rnd.pick(['post', 'get', 'find', 'patch', 'patch', 'put', 'deactivate', 'reactivate', 'delete', 'clear', 'reprovision', 'duplicate']);
      const path = user && `/Users/${user.id}`;
      switch (kind) {
        case 'post': {
          const { client, providerId } = rnd.pick(clients);
          const [userName, externalId] = [`u${seed}-${n}-${i}-${randomUUID().slice(0, 6)}@example.com`, randomUUID()];
          const created = await client.post('/Users', { ...entraCreateUser(userName, externalId), displayName: `User ${i}` });
          if (expect('POST', created.status, 201)) users.push({ client, providerId, id: (created.body as { id: string }).id, userName, externalId });
          break;
        }
        case 'patch': {
          const operationsSent = [
            { op: 'Replace', path: 'displayName', value: `Name ${rnd.next()}` },
            { op: 'Replace', path: `${ENTERPRISE}:department`, value: rnd.pick(['Engines', 'Looms', 'Ledgers']) },
            ...(rnd.next() < 0.5 ? [{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: `+44 7700 ${Math.floor(rnd.next() * 1e6)}` }] : []),
          ];
          expect('PATCH', (await user!.client.patch(path!, { schemas: [PATCH_OP], Operations: operationsSent })).status, 200);
          break;
        }
        case 'get':
          expect('GET', (await user!.client.get(path!)).status, 200);
          break;
        case 'find':
          expect('GET by userName', (await user!.client.get(`/Users?filter=${encodeURIComponent(`userName eq "${user!.userName}"`)}`)).status, 200);
          break;
        case 'put':
          expect('PUT', (await user!.client.put(path!, { ...entraCreateUser(user!.userName, user!.externalId), title: rnd.pick(['Analyst', 'Engineer']) })).status, 200);
          break;
        case 'deactivate':
        case 'reactivate':
          expect(kind, (await user!.client.patch(path!, entraSetActive('default', kind === 'reactivate'))).status, 200);
          break;
        case 'delete':
          if (expect('DELETE', (await user!.client.delete(path!)).status, 204)) users.splice(users.indexOf(user!), 1);
          break;
        case 'clear':
          expect('admin clear', (await admin.post(`/identity-providers/${user!.providerId}/users/${user!.id}/clear`, { paths: ['title'] })).status, 200);
          break;
        case 'reprovision': {
          expect('admin reprovision', (await admin.post(`/identity-providers/${user!.providerId}/users/${user!.id}/reprovision`)).status, 200);
          expect('POST after reprovision', (await user!.client.post('/Users', entraCreateUser(user!.userName, user!.externalId))).status, 201);
          break;
        }
        case 'duplicate':
          expect('duplicate POST', (await user!.client.post('/Users', entraCreateUser(user!.userName, randomUUID()))).status, 409);
          break;
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, n) => lane(n)));
  return { unexpected, answered };
}

/**
 * Issue 10 item 5: after thousands of random SCIM operations the read model rebuilt from the log
 * equals the live one; one row changed behind the projection's back is found as exactly one
 * difference; promoting fixes it; SCIM keeps answering throughout. Through the admin API and
 * `npm run admin -- audit rebuild` (its main, in process), on every store.
 */
describeOnEveryStore(
  'rebuilding the read model from the log and verifying it',
  IDPS,
  (suite) => {
    async function cli(argv: string[], errIsTerminal = false) {
      let [out, err] = ['', ''];
      const code = await runAdminCli(['audit', 'rebuild', ...argv], { ADMIN_URL: suite.server.adminOrigin, ADMIN_TOKEN: TEST_ADMIN_TOKEN }, {
        out: (t) => (out += t),
        err: (t) => (err += t),
        errIsTerminal,
      });
      return { code, out, err };
    }
    /** Runs `work` while SCIM reads and writes go on beside it: some are answered meanwhile, each as expected. */
    async function duringTraffic<T>(seed: number, work: () => Promise<T>): Promise<T> {
      let done = false;
      const beside = traffic(suite, seed, Number.MAX_SAFE_INTEGER, 2, () => !done);
      try {
        return await work();
      } finally {
        done = true;
        const { unexpected, answered } = await beside;
        expect({ unexpected, answeredSome: answered > 2 }).toEqual({ unexpected: [], answeredSome: true });
      }
    }

    it('finds zero differences after thousands of random operations, then exactly the one row changed behind its back, and promotes the fix', async () => {
      expect(await traffic(suite, 1, OPERATIONS, IN_FLIGHT)).toEqual({ unexpected: [], answered: OPERATIONS });

      const consistent = await duringTraffic(2, () => cli(['--verify']));
      expect(consistent).toMatchObject({ code: 0, err: expect.stringMatching(/^(rebuild [0-9a-f-]{36}: (replaying|comparing)\n)+$/) });
      expect(consistent.out).toMatch(/^consistent: 0 differences after \d{4,} events at position \d+\n$/);

      // One user's row changed behind the projection's back: no event says so.
      const [victim] = await suite.server.stores.db.query<{ provider_id: string; user_id: string }>(
        'SELECT provider_id, user_id FROM scim_users WHERE NOT awaiting_reprovision ORDER BY user_id LIMIT 1',
      );
      await suite.server.stores.db.query(
        `UPDATE scim_users SET attributes = jsonb_set(attributes, '{displayName}', '"Tampered Value"') WHERE provider_id = $1 AND user_id = $2`,
        [victim.provider_id, victim.user_id],
      );

      // Through the admin API: 202 with the job, then its progress and its one difference.
      const admin = new AdminClient(suite.server.adminOrigin);
      const started = await admin.post('/audit/rebuilds', { verify: true });
      expect(started.status).toBe(202);
      const { id } = started.body as { id: string };
      expect(started.headers.get('location')).toBe(`/admin/v1/audit/rebuilds/${id}`);
      const second = await admin.post('/audit/rebuilds', { verify: true });
      expect({ status: second.status, body: second.body }).toEqual({ status: 409, body: { status: 409, error: 'REBUILD_RUNNING', message: expect.stringContaining(id) } });
      expect(await cli(['--verify'])).toEqual({ code: 1, out: '', err: expect.stringMatching(/A rebuild is running already.*\(409 REBUILD_RUNNING\)\n$/) });
      let job = (await admin.get(`/audit/rebuilds/${id}`)).body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      while (job.state === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 100));
        job = (await admin.get(`/audit/rebuilds/${id}`)).body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      }
      expect(job).toMatchObject({ id, state: 'done', verify: true, promote: false, requestedBy: { tokenId: 'bootstrap-admin' } });
      // Most of the log replayed in short batches before the comparison (only the tail in its transaction).
      expect(job.progress).toMatchObject({ phase: 'comparing', headPosition: expect.any(Number), percent: 100 });
      expect(job.progress.eventsReplayed).toBeGreaterThan(0.9 * job.report.eventsReplayed);
      expect(job.report.comparison).toEqual({
        differenceCount: 1,
        differences: [{ table: 'scim_users', key: { provider_id: victim.provider_id, user_id: victim.user_id }, kind: 'differs', columns: ['attributes'] }],
      });

      // --promote while SCIM traffic goes on: the difference reported (exit 1), the live row fixed from the log.
      const promoted = await duringTraffic(3, () => cli(['--promote'], true));
      expect(promoted.code).toBe(1);
      expect(promoted.err).toMatch(/\r\[#{30}\] 100\.0%  \d+ events  done\n$/);
      const lines = promoted.out.trim().split('\n');
      expect(lines[0].split(/\s{2,}/)).toEqual(['TABLE', 'KEY', 'KIND', 'COLUMNS']);
      expect(lines[1].split(/\s{2,}/)).toEqual(['scim_users', `provider_id=${victim.provider_id} user_id=${victim.user_id}`, 'differs', 'attributes']);
      expect(lines.slice(2)).toEqual([expect.stringMatching(/^1 differences after \d+ events at position \d+$/), 'promoted: the live read model now equals the rebuilt one']);
      const victimClient = suite.client(IDPS.find((idp) => idp.providerId === victim.provider_id)!);
      expect(((await victimClient.get(`/Users/${victim.user_id}`)).body as { displayName: string }).displayName).not.toBe('Tampered Value');

      const again = await cli(['--verify', '--json']);
      expect({ code: again.code, err: again.err }).toEqual({ code: 0, err: '' });
      expect(JSON.parse(again.out)).toMatchObject({ state: 'done', report: { comparison: { differenceCount: 0, differences: [] }, promoted: false } });
      expect(suite.server.logLines.join('').includes('Tampered')).toBe(false);
    }, 240_000);

    it('answers 400 for a bad body and 404 for an unknown job, as admin JSON', async () => {
      const admin = new AdminClient(suite.server.adminOrigin);
      const bad: unknown[] = [{ verify: 'yes' }, { promote: 1 }, { verify: true, dryRun: true }, [true], 'verify'];
      for (const body of bad) {
        const response = await admin.post('/audit/rebuilds', body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(response.body).toMatchObject({ status: 400, error: 'INVALID_REQUEST', message: expect.any(String) });
      }
      for (const id of [randomUUID(), 'not-a-job', 'x'.repeat(500)]) {
        const response = await admin.get(`/audit/rebuilds/${id}`);
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ status: 404, error: 'NOT_FOUND' });
      }
      const unauthenticated = await new AdminClient(suite.server.adminOrigin, null).post('/audit/rebuilds', {});
      expect(unauthenticated.status).toBe(401);
      const usage = await runAdminCli(['audit', 'rebuild', '--verify=yes'], { ADMIN_URL: suite.server.adminOrigin, ADMIN_TOKEN: TEST_ADMIN_TOKEN }, { out: () => undefined, err: () => undefined });
      expect(usage).toBe(2);
    });
  },
  { ...withAdminToken(), rateLimits: NO_RATE_LIMITS },
);
