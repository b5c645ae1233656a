import { digestToken } from '@app/identity/identity-provider/token-digest';
import { createEmptyDatabase } from '@app/platform/database/create-database';
import { temporaryDirectories } from '@app/testing/temporary-directories';
import { bootstrapTokenId } from '@app/identity/identity-provider/provider-bootstrap.decide';
import { scimRequest } from '@app/testing/scim-client';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBuilt, randomPort, runCli, runService, RunningService, ServiceCommand, until } from './built-service';

if (!isBuilt) process.stdout.write('Start-up tests skipped: no build (npm run build, which npm run test:all does first).\n');

const LISTENING = /SCIM ingress listening/;
const temporaryDirectory = temporaryDirectories();
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

(isBuilt ? describe : describe.skip)('npm start (the built service)', () => {
  const running: RunningService[] = [];
  const start = async (env: Record<string, string>, until = LISTENING) => {
    const service = await runService(env, until);
    running.push(service);
    return service;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
  });

  it('refuses a bad configuration with a message naming every problem', async () => {
    const run = await start({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SCIM_BOOTSTRAP_TOKEN: 'short' }, /never/);
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('PORT must be an integer');
    expect(run.output).toContain('DATABASE_URL must be a postgres://');
    expect(run.output).toContain('SCIM_BOOTSTRAP_PROVIDER_ID');
  });

  it('starts on its embedded store, prints a demo Tenant URL and token once, and serves them', async () => {
    const dataDir = temporaryDirectory('scim-start-');
    const port = randomPort();
    const first = await start({ PORT: port, DATA_DIR: dataDir }, /^(?=[\s\S]*Secret Token: \S+\n)(?=[\s\S]*SCIM ingress listening)/);
    const tenantUrl = /Tenant URL:\s+(\S+)/.exec(first.output)?.[1];
    const token = /Secret Token:\s+(\S+)/.exec(first.output)?.[1];
    expect(tenantUrl).toMatch(new RegExp(`^http://127.0.0.1:${port}/scim/v2/enterprise-idps/[0-9a-f-]{36}$`));
    const probe = await scimRequest('GET', `${tenantUrl}/Users?filter=userName+eq+%22nobody%22`, { token });
    expect(probe.status).toBe(200);
    expect(probe.body.totalResults).toBe(0);
    expect(first.output).toMatch(/"msg":"SCIM ingress listening"/);
    // The token is shown on the console, never inside a log line.
    expect(first.output.split('\n').filter((l) => l.startsWith('{') && l.includes(token!))).toEqual([]);
    await first.stop();

    const second = await start({ PORT: port, DATA_DIR: dataDir });
    expect(second.output).toMatch(LISTENING);
    expect(second.output).not.toContain('Secret Token');
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)('creates no demo IdP on PostgreSQL, where its secret would land in a shared deployment\'s log', async () => {
    const adminToken = `admin-${randomUUID()}`;
    const port = randomPort();
    const env = { PORT: port, DATABASE_URL: await createEmptyDatabase(process.env.TEST_DATABASE_URL!, 'scim_no_demo'), ADMIN_TOKEN: adminToken };
    const service = await start(env);
    expect(service.output).toMatch(LISTENING);
    expect(service.output).not.toContain('Secret Token');
    const listed = await runCli({ ADMIN_URL: `http://127.0.0.1:${port}`, ADMIN_TOKEN: adminToken }, 'idp', 'list', '--json');
    expect(JSON.parse(listed.stdout).identityProviders).toEqual([]);
  });

  it('creates what SCIM_BOOTSTRAP_* asks for only when missing: a disable, a revoke or a retirement an administrator made since survives restarts', async () => {
    const dataDir = temporaryDirectory('scim-bootstrap-');
    const port = randomPort();
    const token = `bootstrap-${randomUUID()}`;
    const tokenId = bootstrapTokenId(digestToken(token));
    const adminToken = `admin-${randomUUID()}`;
    const env = {
      PORT: port,
      DATA_DIR: dataDir,
      ADMIN_TOKEN: adminToken,
      SCIM_BOOTSTRAP_PROVIDER_ID: 'acme',
      SCIM_BOOTSTRAP_TOKEN: token,
      SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: `${CUSTOM}:JobCode`,
    };
    const tenant = `http://127.0.0.1:${port}/scim/v2/enterprise-idps/acme`;
    // The admin CLI speaks to the running server (npm run admin; ADMIN_URL defaults to 127.0.0.1:PORT).
    const admin = async (...args: string[]) => {
      const run = await runCli({ PORT: port, ADMIN_TOKEN: adminToken }, ...args, '--json');
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout);
    };

    let service = await start(env);
    expect((await scimRequest('GET', `${tenant}/Users`, { token })).status).toBe(200);
    await admin('idp', 'disable-scim', 'acme');
    await service.stop();

    service = await start(env);
    expect((await scimRequest('GET', `${tenant}/Users`, { token })).status).toBe(403);
    await admin('idp', 'enable-scim', 'acme');
    await admin('token', 'revoke', 'acme', tokenId);
    const other = (await admin('token', 'issue', 'acme')).token;
    await service.stop();

    // A restart that also names a new custom attribute: the missing one is registered, the revoke stays.
    service = await start({ ...env, SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: `${CUSTOM}:JobCode,${CUSTOM}:CostCode` });
    expect((await scimRequest('GET', `${tenant}/Users`, { token })).status).toBe(401);
    const created = await scimRequest('POST', `${tenant}/Users`, { token: other, body: { userName: 'boot@example.com', [CUSTOM]: { JobCode: 'J1', CostCode: 'C9' } } });
    expect(created.status).toBe(201);
    expect(created.body[CUSTOM]).toEqual({ JobCode: 'J1', CostCode: 'C9' });
    const warning = service.output.split('\n').find((l) => l.includes('"level":40') && l.includes(tokenId));
    expect(warning).toBeDefined();
    expect(service.output).not.toContain(token);

    // Retired by an administrator: a restart with the same SCIM_BOOTSTRAP_* leaves it retired and says so.
    await admin('idp', 'retire', 'acme');
    await service.stop();
    service = await start(env);
    expect((await scimRequest('GET', `${tenant}/Users`, { token: other })).status).toBe(404);
    expect(service.output.split('\n').some((l) => l.includes('"level":40') && l.includes('names a retired identity provider'))).toBe(true);
  }, 180_000);
});

/** What `npm start` needs from a fresh clone, copied from this working tree; node_modules is linked. */
function copyCheckout(): string {
  const root = join(__dirname, '..');
  const checkout = mkdtempSync(join(tmpdir(), 'scim-checkout-'));
  for (const path of ['apps', 'libs', 'deploy/build-if-stale.mjs', 'package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.build.json']) {
    cpSync(join(root, path), join(checkout, path), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'));
  return checkout;
}

describe('npm start in a fresh checkout', () => {
  let checkout: string;
  let service: RunningService | undefined;
  afterAll(async () => {
    await service?.stop('SIGKILL');
    if (checkout) rmSync(checkout, { recursive: true, force: true });
  });

  it('builds on the first start only: a restart of the built checkout skips the compile and gets ready; a changed, added or removed source makes it stale', async () => {
    checkout = copyCheckout();
    const npmStart: ServiceCommand = { command: 'npm', args: ['start'], cwd: checkout };
    const port = randomPort();
    const env = { PORT: port, DATA_DIR: join(checkout, 'data') };
    const ready = () => until(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200, 30_000);

    service = await runService(env, LISTENING, npmStart, 240_000);
    expect(service.output).toContain('building dist/');
    expect(service.output).toMatch(LISTENING);
    expect(await ready()).toBe(true);
    await service.stop();
    const entry = join(checkout, 'dist/apps/scim-api/src/main.js');
    const builtAt = statSync(entry).mtimeMs;

    service = await runService(env, LISTENING, npmStart);
    expect(service.output).toMatch(LISTENING);
    expect(await ready()).toBe(true);
    expect(service.output).not.toContain('building');
    expect(statSync(entry).mtimeMs).toBe(builtAt);
    await service.stop();

    const check = () => spawnSync(process.execPath, ['deploy/build-if-stale.mjs', '--check'], { cwd: checkout }).status;
    expect(check()).toBe(0);
    const main = join(checkout, 'apps/scim-api/src/main.ts');
    appendFileSync(main, '// edited\n');
    expect(check()).toBe(1);
    cpSync(join(__dirname, '../apps/scim-api/src/main.ts'), main);
    expect(check()).toBe(0);
    const added = join(checkout, 'libs/scim/src/added.ts');
    writeFileSync(added, 'export const added = 1;\n');
    expect(check()).toBe(1);
    rmSync(added);
    expect(check()).toBe(0);
    // A spec is not part of the build.
    writeFileSync(join(checkout, 'libs/scim/src/added.spec.ts'), 'export {};\n');
    expect(check()).toBe(0);
    rmSync(join(checkout, 'dist'), { recursive: true });
    expect(check()).toBe(1);
  }, 360_000);
});
