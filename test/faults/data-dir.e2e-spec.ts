import { createEmptyDatabase } from '@app/platform/database/create-database';
import { DATA_DIR_LOCK_FILE } from '@app/platform/database/data-dir-lock';
import { scimRequest } from '@app/testing/scim-client';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBuilt, randomPort, runCli, runService, RunningService, until } from '../built-service';

if (!isBuilt) process.stdout.write('Data-directory fault tests skipped: no build (npm run build, which npm run test:all does first).\n');

const LISTENING = /SCIM ingress listening/;
const bootstrapToken = `bootstrap-${randomUUID()}`;

const issuedToken = (stdout: string) => ({ tokenId: /Token id:\s+(\S+)/.exec(stdout)?.[1], token: /Secret Token: (\S+)/.exec(stdout)?.[1] });

(isBuilt ? describe : describe.skip)('one process owns an embedded data directory (the built service and CLI)', () => {
  const running: RunningService[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
  });

  it('refuses a second server and the CLI while a server runs, naming it; after a stop or a crash the next one takes over', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-data-dir-'));
    const lockFile = join(dataDir, DATA_DIR_LOCK_FILE);
    const port = randomPort();
    const env = { DATA_DIR: dataDir, PORT: port, SCIM_BOOTSTRAP_PROVIDER_ID: 'acme', SCIM_BOOTSTRAP_TOKEN: bootstrapToken };
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

    const disable = await runCli(env, 'disable-scim', 'acme');
    expect(disable.status).toBe(1);
    expect(disable.stderr).toMatch(holderMessage(first.pid, 'the SCIM server'));
    expect(disable.stdout).toBe('');
    const refusedIssue = await runCli(env, 'issue-token', 'acme');
    expect(refusedIssue.status).toBe(1);
    expect(refusedIssue.stdout).not.toContain('Secret Token');

    // The first server kept serving, and the refused disable changed nothing.
    const created = await scimRequest('POST', `${tenant}/Users`, { token: bootstrapToken, body: { userName: 'lock@example.com' } });
    expect(created.status).toBe(201);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: first.pid });

    await first.stop('SIGTERM');
    expect(existsSync(lockFile)).toBe(false);
    const issue = await runCli(env, 'issue-token', 'acme');
    expect(issue.stderr).toBe('');
    expect(issue.status).toBe(0);
    const { tokenId, token } = issuedToken(issue.stdout);
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

    // And so does the CLI.
    await fourth.stop('SIGKILL');
    const revoke = await runCli(env, 'revoke-token', 'acme', tokenId!);
    expect(revoke.stderr).toBe('');
    expect(revoke.stdout).toBe('revoke-token: done\n');
    expect(existsSync(lockFile)).toBe(false);
    await start();
    expect((await scimRequest('GET', `${tenant}/Users`, { token })).status).toBe(401);
  }, 240_000);

  it('refuses a directory locked from another host, saying how to clear it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-data-dir-'));
    const lockFile = join(dataDir, DATA_DIR_LOCK_FILE);
    const foreign = { id: randomUUID(), pid: 4242, hostname: 'scim-host-b', role: 'server', startedAt: '2026-12-01T08:00:00.000Z' };
    writeFileSync(lockFile, JSON.stringify(foreign));
    const refused = await runCli({ DATA_DIR: dataDir }, 'register-provider', 'acme');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `Data directory ${dataDir} is locked by the SCIM server, pid 4242 on host scim-host-b since 2026-12-01T08:00:00.000Z. ` +
        `A lock from another host is never taken over: once no process on scim-host-b uses the directory, delete ${lockFile}`,
    );
    // Nothing was created beside the lock: PGlite never opened the directory.
    expect(readdirSync(dataDir)).toEqual([DATA_DIR_LOCK_FILE]);
  });
});

const serverUrl = process.env.TEST_DATABASE_URL;
(isBuilt && serverUrl ? describe : describe.skip)('the CLI beside a running PostgreSQL-backed server', () => {
  it('writes through the event log: a token it issues works on the server within seconds, one it revokes stops working', async () => {
    const databaseUrl = await createEmptyDatabase(serverUrl!, 'scim_cli');
    const port = randomPort();
    const env = { DATABASE_URL: databaseUrl, PORT: port, SCIM_BOOTSTRAP_PROVIDER_ID: 'acme', SCIM_BOOTSTRAP_TOKEN: bootstrapToken };
    const tenant = `http://127.0.0.1:${port}/scim/v2/enterprise-idps/acme`;
    const server = await runService(env, LISTENING);
    try {
      expect(server.output).toMatch(LISTENING);
      const issue = await runCli({ DATABASE_URL: databaseUrl }, 'issue-token', 'acme');
      expect(issue.status).toBe(0);
      const { tokenId, token } = issuedToken(issue.stdout);
      const works = () => scimRequest('GET', `${tenant}/Users`, { token }).then((r) => r.status === 200);
      expect(await until(works, 3_000)).toBe(true);

      const revoke = await runCli({ DATABASE_URL: databaseUrl }, 'revoke-token', 'acme', tokenId!);
      expect(revoke.status).toBe(0);
      const refused = () => scimRequest('GET', `${tenant}/Users`, { token }).then((r) => r.status === 401);
      expect(await until(refused, 3_000)).toBe(true);
      expect((await scimRequest('GET', `${tenant}/Users`, { token: bootstrapToken })).status).toBe(200);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
