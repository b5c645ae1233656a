import { StreamIds } from '@app/identity/shared/stream-ids';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { entraCreateUser, entraSetActive, entraUpdateAttributes, PATCH_OP } from '@app/testing/entra-payloads';
import { ScimClient, scimRequest } from '@app/testing/scim-client';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runReprojection } from '../../apps/scim-worker/src/reprojection-report';

const TENANT_A = { providerId: 'poisoned-tenant', token: 'poisoned-tenant-token-0123456789' };
const TENANT_B = { providerId: 'healthy-tenant', token: 'healthy-tenant-token-0123456789ab' };
const BUILT_REPROJECT = join(__dirname, '../../dist/apps/scim-worker/src/reproject.js');

// Random characters do not compress: past the btree row limit of the userName index on every store (SQLSTATE 54000).
const poisonName = () => randomBytes(7_500).toString('base64');

/** Entra's whole cycle for one user; every answer must be a success. */
async function entraCycle(scim: ScimClient): Promise<void> {
  const userName = `b.${randomUUID()}@example.com`;
  const statuses: number[] = [];
  const call = async (response: Promise<{ status: number; body: { id?: string } }>) => {
    const { status, body } = await response;
    statuses.push(status);
    return body;
  };
  await call(scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`));
  const { id } = await call(scim.post('/Users', entraCreateUser(userName, `ext-${randomUUID()}`)));
  await call(scim.get(`/Users/${id}`));
  await call(scim.patch(`/Users/${id}`, entraUpdateAttributes('default')));
  await call(scim.patch(`/Users/${id}`, entraSetActive('default', false)));
  await call(scim.patch(`/Users/${id}`, entraSetActive('default', true)));
  await call(scim.delete(`/Users/${id}`));
  expect(statuses).toEqual([200, 201, 200, 200, 200, 200, 204]);
}

describeOnEveryStore('A user event that cannot be projected', [TENANT_A, TENANT_B], (suite) => {
  const [first, second] = [randomUUID(), randomUUID()];
  const positions: number[] = [];

  /** Appends what the API's input limits refuse today: bypassing them is how such an event got in before. */
  async function appendPoison(userId: string): Promise<number> {
    const data = { providerId: TENANT_A.providerId, userId, attributes: { userName: poisonName(), displayName: 'Poisoned' } };
    const event = { id: randomUUID(), type: 'UserProvisioned', data, metadata: { occurredAt: new Date().toISOString() } };
    const { position } = await suite.server.stores.events.appendToStream(StreamIds.user(TENANT_A.providerId, userId), [event], 'noStream');
    return position;
  }

  const ready = async () => scimRequest('GET', `${suite.server.origin}/health/ready`);

  it('is quarantined, and another tenant’s full Entra cycle sees no 5xx', async () => {
    positions.push(await appendPoison(first));
    await suite.server.stores.projector.catchUp();

    await entraCycle(suite.client(TENANT_B));
    // The poisoned tenant's other users are served too.
    const other = await suite.client(TENANT_A).post('/Users', entraCreateUser(`a.${randomUUID()}@example.com`, `ext-${randomUUID()}`));
    expect(other.status).toBe(201);
    expect((await suite.client(TENANT_A).get(`/Users/${first}`)).status).toBe(404);
  });

  it('shows in readiness as degraded, still ready, listing the failure without stream ids', async () => {
    const response = await ready();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'degraded',
      projectionFailures: {
        quarantinedStreams: 1,
        quarantinedEvents: 1,
        firstPosition: positions[0],
        failures: [{ position: positions[0], eventType: 'UserProvisioned', errorClass: 'program_limit_exceeded', errorCode: '54000', heldEvents: 0 }],
      },
    });
    expect(JSON.stringify(response.body)).not.toContain(first);
  });

  it('is logged once as a structured error without the user’s values', async () => {
    const lines = suite.server.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.msg === 'event failed to project; its stream is quarantined')).toEqual([
      expect.objectContaining({
        level: 50,
        position: positions[0],
        streamId: StreamIds.user(TENANT_A.providerId, first),
        eventType: 'UserProvisioned',
        errorCode: '54000',
      }),
    ]);
    expect(suite.server.logLines.join('')).not.toContain('Poisoned');
  });

  it('never stops a restart, even when the projection at start-up meets a new poison event', async () => {
    // Not projected before the restart: the start-up catch-up is the first to meet it.
    positions.push(await appendPoison(second));
    await suite.server.restart();

    const response = await ready();
    expect(response.status).toBe(200);
    expect(response.body.projectionFailures).toMatchObject({ quarantinedStreams: 2, firstPosition: positions[0] });
    await entraCycle(suite.client(TENANT_B));
  });

  it('answers a write to the quarantined user with a 503 that says the change is stored', async () => {
    const response = await suite.client(TENANT_A).patch(`/Users/${first}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Fixed Later' }],
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
    expect(response.body.detail).toMatch(/^The change is stored \(log position \d+\).*quarantined/);
    expect(await suite.server.stores.events.readStream(StreamIds.user(TENANT_A.providerId, first))).toHaveLength(2);
    expect((await ready()).body.projectionFailures.quarantinedEvents).toBe(3);
  });

  it('is left quarantined by a re-projection while the cause remains, which exits non-zero', async () => {
    const dryRun: string[] = [];
    expect(await runReprojection(suite.server.stores, true, (line) => dryRun.push(line))).toBe(0);
    expect(dryRun.join('')).toContain(`${StreamIds.user(TENANT_A.providerId, first)}: quarantined since log position ${positions[0]}`);
    expect(dryRun.join('')).toContain('later events held: 1');

    const output: string[] = [];
    expect(await runReprojection(suite.server.stores, false, (line) => output.push(line))).toBe(1);
    expect(output).toEqual([
      expect.stringContaining(`${StreamIds.user(TENANT_A.providerId, first)}: still fails at log position ${positions[0]}`),
      expect.stringContaining(`${StreamIds.user(TENANT_A.providerId, second)}: still fails at log position ${positions[1]}`),
      'Re-projected 0 of 2 quarantined streams\n',
    ]);
    expect((await ready()).body.status).toBe('degraded');
  });

  // Embedded PGlite serves one process (the test server's), so the built command runs against a PostgreSQL server only.
  const runBuilt = suite.target.name === 'postgresql' && existsSync(BUILT_REPROJECT) ? it : it.skip;
  runBuilt('is listed by the built command (npm run reproject -- --dry-run)', async () => {
    const env = { ...process.env, DATABASE_URL: suite.server.databaseUrl, DATA_DIR: ':memory:', LOG_LEVEL: 'warn' };
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile('node', [BUILT_REPROJECT, '--dry-run'], { env, timeout: 60_000 }, (error, out) =>
        resolve({ code: typeof error?.code === 'number' ? error.code : error ? -1 : 0, stdout: out }),
      );
    });
    expect(code).toBe(0);
    expect(stdout).toContain(`${StreamIds.user(TENANT_A.providerId, first)}: quarantined since log position ${positions[0]}`);
    expect(stdout).toContain('Quarantined streams: 2 (dry run: nothing changed)');
  });

  it('is served again after the fix and a re-projection, with the change made while it was quarantined', async () => {
    // The fix: here the index that refused the value goes; in life a migration would make the value fit.
    await suite.server.stores.db.exec('DROP INDEX scim_users_user_name');

    const output: string[] = [];
    expect(await runReprojection(suite.server.stores, false, (line) => output.push(line))).toBe(0);
    expect(output).toEqual([
      `${StreamIds.user(TENANT_A.providerId, first)}: re-projected (events: 2), quarantine lifted\n`,
      `${StreamIds.user(TENANT_A.providerId, second)}: re-projected (events: 1), quarantine lifted\n`,
      'Re-projected 2 of 2 quarantined streams\n',
    ]);

    const user = await suite.client(TENANT_A).get(`/Users/${first}`);
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ id: first, displayName: 'Fixed Later', meta: { version: 'W/"1"' } });
    expect((await suite.client(TENANT_A).get(`/Users/${second}`)).status).toBe(200);
    const patched = await suite.client(TENANT_A).patch(`/Users/${first}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Back To Normal' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.displayName).toBe('Back To Normal');
    expect((await ready()).body).toMatchObject({ status: 'ok', projectionFailures: { quarantinedStreams: 0, quarantinedEvents: 0 } });
  });
});

const TENANT_C = { providerId: 'tenant-with-poisoned-settings', token: 'poisoned-settings-token-0123456789' };

describeOnEveryStore('An identity provider whose settings cannot be projected', [TENANT_C, TENANT_B], (suite) => {
  it('fails closed (503): a revoke held behind the failure must not leave its token working', async () => {
    expect((await suite.client(TENANT_C).get('/Users')).status).toBe(200);
    const streamId = StreamIds.identityProvider(TENANT_C.providerId);
    const history = await suite.server.stores.events.readStream(streamId);
    const issued = history.find((e) => e.type === 'TokenIssued')!.data as { tokenId: string };
    const event = (type: string, data: Record<string, unknown>) => ({
      id: randomUUID(),
      type,
      data: { providerId: TENANT_C.providerId, ...data },
      metadata: { occurredAt: new Date().toISOString() },
    });
    // A digest past the btree row limit of scim_tokens' key, then the revoke of the token in use.
    await suite.server.stores.events.appendToStream(
      streamId,
      [event('TokenIssued', { tokenId: randomUUID(), digest: poisonName() }), event('TokenRevoked', { tokenId: issued.tokenId })],
      history[history.length - 1].revision,
    );
    await suite.server.stores.projector.catchUp();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the authentication lookups' 1 s reuse

    const refused = await suite.client(TENANT_C).get('/Users');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('300');
    expect((await suite.client(TENANT_B).get('/Users')).status).toBe(200);
  });
});
