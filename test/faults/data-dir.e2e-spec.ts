import { temporaryDirectories } from '@app/testing/temporary-directories';
import { createEmptyDatabase } from '@app/platform/database/create-database';
import { DATA_DIR_LOCK_FILE } from '@app/platform/database/data-dir-lock';
import { scimRequest } from '@app/testing/scim-client';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isBuilt, randomPort, runCli, runService, RunningService, until } from '../built-service';

const temporaryDirectory = temporaryDirectories();

if (!isBuilt) process.stdout.write('Data-directory fault tests skipped: no build (npm run build, which npm run test:all does first).\n');

const LISTENING = /SCIM ingress listening/;
const bootstrapToken = `bootstrap-${randomUUID()}`;
const adminToken = `admin-${randomUUID()}`;

/** A token the admin CLI issued, from its --json output. */
const issuedToken = (stdout: string): { tokenId: string; token: string } => JSON.parse(stdout);

(isBuilt ? describe : describe.skip)('one process owns an embedded data directory (the built service and admin CLI)', () => {
  const running: RunningService[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
  });

  it('refuses a second server while a server runs, naming it; the admin CLI works beside it over HTTP; after a stop or a crash the next server takes over', async () => {
    const dataDir = temporaryDirectory('scim-data-dir-');
    const lockFile = join(dataDir, DATA_DIR_LOCK_FILE);
    const port = randomPort();
    const env = { DATA_DIR: dataDir, PORT: port, SCIM_BOOTSTRAP_PROVIDER_ID: 'acme', SCIM_BOOTSTRAP_TOKEN: bootstrapToken, ADMIN_TOKEN: adminToken };
    const admin = async (...args: string[]) => {
      const run = await runCli({ ADMIN_URL: `http://127.0.0.1:${port}`, ADMIN_TOKEN: adminToken }, ...args, '--json');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      return run.stdout;
    };
    const tenant = `http://127.0.0.1:${port}/scim/v2/enterprise-idps/acme`;
    const start = async () => {
      const service = await runService(env, LISTENING);
      running.push(service);
      expect(service.output).toMatch(LISTENING);
      return service;
    };
    const holderMessage = (pid: number, role: string) =>
      new RegExp(`Data directory ${dataDir} is in use by ${role}, pid ${pid} on host ${hostname()} since \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z; stop it first`);

    const first = await start();
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.pid, hostname: hostname(), role: 'server' });

    const second = await runService({ ...env, PORT: randomPort() }, /never/);
    expect(second.exitCode).toBe(1);
    expect(second.output).toMatch(holderMessage(first.pid, 'the SCIM server'));
    expect(second.output).not.toMatch(LISTENING);

    // The admin CLI only speaks HTTP, so it works beside the server that holds the directory, and its changes take effect at once.
    await admin('idp', 'disable-scim', 'acme');
    expect((await scimRequest('GET', `${tenant}/Users`, { token: bootstrapToken })).status).toBe(403);
    await admin('idp', 'enable-scim', 'acme');
    const { tokenId, token } = issuedToken(await admin('token', 'issue', 'acme', '--label', 'beside the server'));
    const created = await scimRequest('POST', `${tenant}/Users`, { token, body: { userName: 'lock@example.com' } });
    expect(created.status).toBe(201);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.pid });

    await first.stop('SIGTERM');
    expect(existsSync(lockFile)).toBe(false);
    const third = await start();
    expect((await scimRequest('GET', `${tenant}/Users/${created.body.id}`, { token })).status).toBe(200);
    expect((await scimRequest('GET', `${tenant}/Users`, { token: bootstrapToken })).status).toBe(200);

    // A crash leaves the lock behind; its pid is gone, so a new server takes the directory over.
    await third.stop('SIGKILL');
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: third.pid });
    const fourth = await start();
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: fourth.pid, role: 'server' });
    expect((await scimRequest('GET', `${tenant}/Users`, { token })).status).toBe(200);
    await admin('token', 'revoke', 'acme', tokenId);
    expect((await scimRequest('GET', `${tenant}/Users`, { token })).status).toBe(401);
  }, 240_000);

  it('refuses a directory locked from another host, saying how to clear it', async () => {
    const dataDir = temporaryDirectory('scim-data-dir-');
    const lockFile = join(dataDir, DATA_DIR_LOCK_FILE);
    const foreign = { id: randomUUID(), pid: 4242, hostname: 'scim-host-b', role: 'server', startedAt: '2026-12-01T08:00:00.000Z' };
    writeFileSync(lockFile, JSON.stringify(foreign));
    // (?!) matches nothing: resolve on the exit.
    const refused = await runService({ DATA_DIR: dataDir, PORT: randomPort() }, /(?!)/);
    expect(refused.exitCode).toBe(1);
    expect(refused.output).toContain(
      `Data directory ${dataDir} is locked by the SCIM server, pid 4242 on host scim-host-b since 2026-12-01T08:00:00.000Z. ` +
        `A lock from another host is never taken over: once no process on scim-host-b uses the directory, delete ${lockFile}`,
    );
    // Nothing was created beside the lock: PGlite never opened the directory.
    expect(readdirSync(dataDir)).toEqual([DATA_DIR_LOCK_FILE]);
  });
});

const serverUrl = process.env.TEST_DATABASE_URL;
(isBuilt && serverUrl ? describe : describe.skip)('the admin CLI against one of two PostgreSQL-backed servers', () => {
  it('a token it issues through one server works on the other within seconds, one it revokes stops working there', async () => {
    const databaseUrl = await createEmptyDatabase(serverUrl!, 'scim_cli');
    const [port, otherPort] = [randomPort(), randomPort()];
    const env = { DATABASE_URL: databaseUrl, SCIM_BOOTSTRAP_PROVIDER_ID: 'acme', SCIM_BOOTSTRAP_TOKEN: bootstrapToken, ADMIN_TOKEN: adminToken };
    const other = `http://127.0.0.1:${otherPort}/scim/v2/enterprise-idps/acme`;
    const servers = [await runService({ ...env, PORT: port }, LISTENING), await runService({ ...env, PORT: otherPort }, LISTENING)];
    const admin = (...args: string[]) => runCli({ ADMIN_URL: `http://127.0.0.1:${port}`, ADMIN_TOKEN: adminToken }, ...args, '--json');
    try {
      for (const server of servers) expect(server.output).toMatch(LISTENING);
      const issue = await admin('token', 'issue', 'acme');
      expect(issue.status).toBe(0);
      const { tokenId, token } = issuedToken(issue.stdout);
      const works = () => scimRequest('GET', `${other}/Users`, { token }).then((r) => r.status === 200);
      expect(await until(works, 3_000)).toBe(true);

      const revoke = await admin('token', 'revoke', 'acme', tokenId);
      expect(revoke.status).toBe(0);
      const refused = () => scimRequest('GET', `${other}/Users`, { token }).then((r) => r.status === 401);
      expect(await until(refused, 3_000)).toBe(true);
      expect((await scimRequest('GET', `${other}/Users`, { token: bootstrapToken })).status).toBe(200);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }, 120_000);
});
