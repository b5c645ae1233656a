import { scimRequest } from '@app/testing/scim-client';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '../dist/apps/scim-api/src/main.js');
const CLI = join(__dirname, '../dist/apps/scim-api/src/cli.js');
if (!existsSync(MAIN)) process.stdout.write('Start-up tests skipped: no build (npm run build, which npm run test:all does first).\n');

/** Runs the built service as `npm start` does, until `until` matches its output or it exits. */
function runService(env: Record<string, string>, until: RegExp): Promise<{ output: string; exitCode: number | null; stop(): void }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env } });
    let output = '';
    const stop = () => child.kill('SIGTERM');
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) resolve({ output, exitCode: null, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ output, exitCode: code, stop }));
    setTimeout(() => resolve({ output, exitCode: null, stop }), 30_000).unref();
  });
}

(existsSync(MAIN) ? describe : describe.skip)('npm start (the built service)', () => {
  it('refuses a bad configuration with a message naming every problem', async () => {
    const run = await runService({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SCIM_BOOTSTRAP_TOKEN: 'short' }, /never/);
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('PORT must be an integer');
    expect(run.output).toContain('DATABASE_URL must be a postgres://');
    expect(run.output).toContain('SCIM_BOOTSTRAP_PROVIDER_ID');
  });

  it('starts on its embedded store, prints a demo Tenant URL and token once, and serves them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-start-'));
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const first = await runService({ PORT: port, DATA_DIR: dataDir }, /^(?=[\s\S]*Secret Token: \S+\n)(?=[\s\S]*SCIM ingress listening)/);
    try {
      const tenantUrl = /Tenant URL:\s+(\S+)/.exec(first.output)?.[1];
      const token = /Secret Token:\s+(\S+)/.exec(first.output)?.[1];
      expect(tenantUrl).toMatch(new RegExp(`^http://127.0.0.1:${port}/scim/v2/enterprise-idps/[0-9a-f-]{36}$`));
      const probe = await scimRequest('GET', `${tenantUrl}/Users?filter=userName+eq+%22nobody%22`, { token });
      expect(probe.status).toBe(200);
      expect(probe.body.totalResults).toBe(0);
      expect(first.output).toMatch(/"msg":"SCIM ingress listening"/);
      // The token is shown on the console, never inside a log line.
      expect(first.output.split('\n').filter((l) => l.startsWith('{') && l.includes(token!))).toEqual([]);
    } finally {
      first.stop();
    }
    await new Promise((r) => setTimeout(r, 1500));
    const second = await runService({ PORT: port, DATA_DIR: dataDir }, /SCIM ingress listening/);
    second.stop();
    expect(second.output).not.toContain('Secret Token');
  });

  it('lets an operator register an IdP, enable SCIM, issue and revoke tokens and register custom attributes with the CLI', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-cli-'));
    const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir } }).toString();
    const jobCode = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:JobCode';
    cli('register-provider', 'acme', 'ACME Corp');
    cli('enable-scim', 'acme');
    cli('register-custom-attribute', 'acme', jobCode);
    const issued = cli('issue-token', 'acme');
    const token = /Secret Token: (\S+)/.exec(issued)![1];
    const tokenId = /Token id:\s+(\S+)/.exec(issued)![1];
    expect(() => cli('register-custom-attribute', 'acme', 'urn:ietf:params:scim:schemas:core:2.0:User:name:x')).toThrow();

    const port = String(20000 + Math.floor(Math.random() * 20000));
    const tenant = `http://127.0.0.1:${port}/scim/v2/enterprise-idps/acme`;
    let service = await runService({ PORT: port, DATA_DIR: dataDir }, /SCIM ingress listening/);
    try {
      const created = await scimRequest('POST', `${tenant}/Users`, { token, body: { userName: 'cli@example.com', [jobCode.replace(/:JobCode$/, '')]: { JobCode: 'J7' } } });
      expect(created.status).toBe(201);
      expect(created.body['urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User']).toEqual({ JobCode: 'J7' });
    } finally {
      service.stop();
    }
    await new Promise((r) => setTimeout(r, 1500));
    cli('revoke-token', 'acme', tokenId);
    service = await runService({ PORT: port, DATA_DIR: dataDir }, /SCIM ingress listening/);
    try {
      expect((await scimRequest('GET', `${tenant}/Users`, { token })).status).toBe(401);
    } finally {
      service.stop();
    }
  });
});
