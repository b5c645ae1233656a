import { temporaryDirectories } from '@app/testing/temporary-directories';
import { entraCreateUser } from '@app/testing/entra-payloads';
import { scimRequest } from '@app/testing/scim-client';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBuilt, randomPort, runService, RunningService } from './built-service';

const temporaryDirectory = temporaryDirectories();

if (!isBuilt) process.stdout.write('First-start template tests skipped: no build (npm run build, which npm run test:all does first).\n');

const LISTENING = /SCIM ingress listening/;
const FROM_TEMPLATE = /created the embedded data directory from the build's template/;
const BUILT_TEMPLATE = join(__dirname, '../dist/pglite-template/pglite-template.json');

(isBuilt ? describe : describe.skip)("an embedded first start from the build's data-directory template", () => {
  const running: RunningService[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
  });

  it('copies the template instead of running initdb, serves SCIM, and keeps its users across a restart', async () => {
    // The build makes the template (npm run build, npm start's prestart): without it this test has nothing to check.
    expect(existsSync(BUILT_TEMPLATE)).toBe(true);
    const token = `first-start-${randomUUID()}`;
    const env = { PORT: randomPort(), DATA_DIR: temporaryDirectory('scim-template-'), SCIM_BOOTSTRAP_PROVIDER_ID: 'template-idp', SCIM_BOOTSTRAP_TOKEN: token };
    const base = `http://127.0.0.1:${env.PORT}/scim/v2/enterprise-idps/template-idp`;
    const first = await runService(env, LISTENING);
    running.push(first);
    expect(first.output).toMatch(LISTENING);
    expect(first.output).toMatch(FROM_TEMPLATE);
    expect(first.output).not.toMatch(/initdb/);
    // The data directory records which PGlite's template it came from.
    expect(JSON.parse(readFileSync(join(env.DATA_DIR, 'pglite-template.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(BUILT_TEMPLATE, 'utf8')));

    const created = await scimRequest('POST', `${base}/Users`, { token, body: entraCreateUser('ada@example.com', 'ext-ada') });
    expect(created.status).toBe(201);
    await first.stop();

    const second = await runService(env, LISTENING);
    running.push(second);
    expect(second.output).toMatch(LISTENING);
    expect(second.output).not.toMatch(FROM_TEMPLATE);
    const found = await scimRequest('GET', `${base}/Users?filter=userName+eq+%22ada%40example.com%22`, { token });
    expect(found.status).toBe(200);
    expect(found.body.Resources).toEqual([expect.objectContaining({ id: created.body.id, userName: 'ada@example.com', externalId: 'ext-ada' })]);
  });
});
