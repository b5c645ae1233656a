import { temporaryDirectories } from '@app/testing/temporary-directories';
import { scimRequest } from '@app/testing/scim-client';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isBuilt, randomPort, runCli, runService, RunningService } from './built-service';

const temporaryDirectory = temporaryDirectories();

if (!isBuilt) process.stdout.write('Admin first-start tests skipped: no build (npm run build, which npm run test:all does first).\n');

const LISTENING = /SCIM ingress listening/;

/** `npm run admin -- <args>` in this checkout, as the README gives it; its standard output. */
async function npmRunAdmin(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('npm', ['run', 'admin', '--', ...args], { cwd: join(__dirname, '..'), env: { ...process.env, ...env }, timeout: 120_000 });
  return stdout;
}
const FIRST_START = /^(?=[\s\S]*Admin Token: +\S+\n)(?=[\s\S]*SCIM ingress listening)/;

(isBuilt ? describe : describe.skip)('npm start, then npm run admin (the built service and admin CLI)', () => {
  const running: RunningService[] = [];
  const start = async (env: Record<string, string>, until = LISTENING) => {
    const service = await runService(env, until);
    running.push(service);
    expect(service.output).toMatch(LISTENING);
    return service;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
  });

  it('prints an admin token once on a first start without ADMIN_TOKEN; with it the CLI (defaults: 127.0.0.1 and PORT) lists the demo IdP', async () => {
    const env = { PORT: randomPort(), DATA_DIR: temporaryDirectory('scim-admin-first-') };
    const first = await start(env, FIRST_START);
    const adminToken = /Admin Token: +(\S+)/.exec(first.output)![1];
    const tenantUrl = /Tenant URL: +(\S+)/.exec(first.output)![1];
    const secret = /Secret Token: +(\S+)/.exec(first.output)![1];
    expect(adminToken).toMatch(/^admin_/);
    // A credential is shown on the console, never inside a log line.
    expect(first.output.split('\n').filter((line) => line.startsWith('{') && line.includes(adminToken))).toEqual([]);

    const listed = await runCli({ PORT: env.PORT, ADMIN_TOKEN: adminToken }, 'idp', 'list', '--json');
    expect({ status: listed.status, stderr: listed.stderr }).toEqual({ status: 0, stderr: '' });
    const [demo] = JSON.parse(listed.stdout).identityProviders;
    // The README's command itself: npm's banner must not come before the one JSON document (.npmrc).
    const viaNpm = await npmRunAdmin({ PORT: env.PORT, ADMIN_TOKEN: adminToken }, 'idp', 'list', '--json');
    expect(JSON.parse(viaNpm).identityProviders).toEqual(JSON.parse(listed.stdout).identityProviders);
    expect(demo).toMatchObject({ displayName: 'Demo identity provider', scimEnabled: true, tenantUrl });
    // The printed token id is the demo token's, so it can be rotated or revoked.
    const tokens = await runCli({ PORT: env.PORT, ADMIN_TOKEN: adminToken }, 'token', 'list', demo.providerId, '--json');
    expect(JSON.parse(tokens.stdout).tokens).toMatchObject([{ tokenId: /Token id: +(\S+)/.exec(first.output)![1], label: 'demo', revoked: false }]);
    const table = await runCli({ PORT: env.PORT, ADMIN_TOKEN: adminToken }, 'admin-token', 'list');
    expect(table.stdout).toMatch(/^TOKEN ID +LABEL +ISSUED AT +STATUS\n\S+ +first start +\S+ +active\n$/);
    // The demo's Secret Token is a SCIM token: it opens SCIM, never the admin API.
    expect((await scimRequest('GET', `${tenantUrl}/Users`, { token: secret })).status).toBe(200);
    const refused = await runCli({ PORT: env.PORT, ADMIN_TOKEN: secret }, 'idp', 'list');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('(401 UNAUTHORIZED)');
    await first.stop();

    const second = await start(env);
    expect(second.output).not.toContain('Admin Token');
    expect((await runCli({ PORT: env.PORT, ADMIN_TOKEN: adminToken }, 'idp', 'list')).status).toBe(0);
  });

  it('prints no admin token when ADMIN_TOKEN is set; with ADMIN_PORT the admin API listens there only, where the CLI finds it by default', async () => {
    const adminToken = `ops-${'x'.repeat(24)}`;
    const env = { PORT: randomPort(), ADMIN_PORT: randomPort(), ADMIN_TOKEN: adminToken, DATA_DIR: temporaryDirectory('scim-admin-port-') };
    const service = await start(env, /^(?=[\s\S]*Secret Token: +\S+\n)(?=[\s\S]*SCIM ingress listening)/);
    expect(service.output).not.toContain('Admin Token');
    expect(service.output).toContain(`"admin":"http://127.0.0.1:${env.ADMIN_PORT}/admin/v1"`);

    const listed = await runCli({ ADMIN_PORT: env.ADMIN_PORT, PORT: env.PORT, ADMIN_TOKEN: adminToken }, 'idp', 'list', '--json');
    expect(listed.status).toBe(0);
    // Tenant URLs name where SCIM listens, not the admin listener.
    expect(JSON.parse(listed.stdout).identityProviders[0].tenantUrl).toMatch(new RegExp(`^http://127.0.0.1:${env.PORT}/scim/v2/enterprise-idps/`));
    const onScimPort = await runCli({ PORT: env.PORT, ADMIN_TOKEN: adminToken }, 'idp', 'list');
    expect(onScimPort.status).toBe(1);
    expect(onScimPort.stderr).toContain('(404 NOT_FOUND)');
  });
});
