import { TEST_ADMIN_TOKEN, withAdminToken } from '@app/testing/admin-client';
import { entraCreateUser } from '@app/testing/entra-payloads';
import { ScimClient } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { until } from './built-service';

/** Debian's chromium package (no downloaded browser builds); deploy/test-all.sh installs it. */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`Console browser stories skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

/** The console in a real headless browser, through the administrator's and support's stories. */
(hasChromium ? describe : describe.skip)('the admin console in a browser', () => {
  let server: ScimTestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    [server, browser] = await Promise.all([
      ScimTestServer.start({ name: 'pglite' }, [], undefined, withAdminToken()),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }),
    ]);
    context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Waits for the page a click led to: its h1. */
  const onPage = (title: string) => page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
  /** Waits for what the last action announced. */
  const announced = (text: string) => page.getByRole('status').getByText(text).waitFor();
  const section = (name: string) => page.getByRole('region', { name });

  it('the administrator: signs in, registers an IdP, hands out its Tenant URL and a token shown once, enables SCIM, registers an attribute, then finds a provisioned user, reads its history and clears a value', async () => {
    await page.goto(`${server.origin}/admin`);
    await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await onPage('Identity providers');

    await page.getByLabel('Name', { exact: true }).fill('Contoso (Entra ID)');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await onPage('Contoso (Entra ID)');
    await announced('Registered Contoso (Entra ID).');
    const tenantUrl = (await page.locator('#tenant-url').textContent())!;
    const providerId = tenantUrl.split('/').pop()!;
    expect(tenantUrl).toBe(server.tenantUrl(providerId));
    await page.getByRole('button', { name: 'Copy the Tenant URL' }).click();
    // The copy runs in the page, after the click: wait for its announcement.
    await page.getByRole('status').getByText('Copied to the clipboard.').waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(tenantUrl);

    // The Secret Token: shown on the page the issue leads to, once; a reload shows it no more.
    await page.getByLabel('Label').fill('Entra provisioning');
    await page.getByRole('button', { name: 'Issue a token' }).click();
    const secret = (await page.locator('#secret').textContent())!;
    expect(secret).toMatch(/^scim_/);
    await page.reload();
    await expect(page.locator('#no-secret').isVisible()).resolves.toBe(true);
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('link', { name: 'Back to Contoso (Entra ID)' }).click();
    expect(await page.content()).not.toContain(secret);

    const entra = new ScimClient(tenantUrl, secret);
    expect((await entra.get('/Users')).status).toBe(403);
    await page.getByRole('button', { name: 'Enable SCIM' }).click();
    await announced('SCIM enabled.');
    await expect(page.locator('#scim-state').textContent()).resolves.toBe('on');
    await page.getByLabel(/^Name \(as in Entra/).fill('JobCode');
    await page.getByRole('button', { name: 'Register the attribute' }).click();
    await announced('Attribute JobCode registered.');
    await expect(section('Custom attributes').getByRole('rowheader', { name: 'JobCode' }).isVisible()).resolves.toBe(true);

    // Entra provisions a user; the administrator finds it by mail and opens it.
    const userName = `ada.${randomUUID()}@contoso.example`;
    const created = await entra.post('/Users', { ...entraCreateUser(userName, randomUUID()), JobCode: 'J-1' });
    expect(created.status).toBe(201);
    await page.getByLabel('By').selectOption('email');
    await page.getByLabel('Value').fill(userName);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('link', { name: userName }).click();
    await onPage(`User ${userName}`);
    const current = section('Current SCIM resource');
    await expect(current.textContent()).resolves.toContain('"title": "Analyst"');
    await expect(current.textContent()).resolves.toContain('"JobCode": "J-1"');
    const history = section('History');
    await expect(history.getByRole('cell', { name: 'UserProvisioned' }).isVisible()).resolves.toBe(true);
    await expect(history.textContent()).resolves.toContain(`idp-token · Entra provisioning`);
    const provisionedAt = (await history.locator('time').first().getAttribute('datetime'))!;

    await page.getByLabel(/^Attributes to clear/).fill('title');
    await page.getByRole('button', { name: 'Clear' }).click();
    await announced('Cleared title.');
    await expect(section('Current SCIM resource').textContent()).resolves.not.toContain('"title"');
    const cleared = history.getByRole('row').filter({ hasText: 'AttributesCleared' });
    await expect(cleared.textContent()).resolves.toContain('admin · ADMIN_TOKEN');
    expect((await entra.get(`/Users/${created.body.id}`)).body).not.toHaveProperty('title');

    // As it was before the clear.
    await page.getByLabel(/^Time \(UTC\)/).fill(provisionedAt);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText(`As of ${provisionedAt}`).waitFor();
    await expect(section('As of a time').textContent()).resolves.toContain('"title": "Analyst"');

    await page.getByRole('button', { name: 'Request re-provisioning' }).click();
    await announced('Re-provisioning requested');
    expect((await entra.get(`/Users/${created.body.id}`)).status).toBe(404);
    expect(await page.content()).not.toContain(TEST_ADMIN_TOKEN);
  }, 60_000);

  it('support: finds a rejected request by mail and time window in the journal, with what was sent and the answer', async () => {
    const idp = await server.stores.providers.listProviders();
    const providerId = idp[0].providerId;
    await page.goto(`${server.origin}/admin/idps/${providerId}`);
    await page.getByLabel('Label').fill('Support story');
    await page.getByRole('button', { name: 'Issue a token' }).click();
    const entra = new ScimClient(server.tenantUrl(providerId), (await page.locator('#secret').textContent())!);
    const from = new Date(Date.now() - 1_000).toISOString();
    const mail = `grace.${randomUUID()}@contoso.example`;
    const user = entraCreateUser(mail, randomUUID());
    expect((await entra.post('/Users', user)).status).toBe(201);
    const duplicate = await entra.post('/Users', user);
    expect(duplicate.status).toBe(409);
    const to = new Date(Date.now() + 1_000).toISOString();

    await page.getByRole('link', { name: 'Request journal' }).click();
    await page.getByLabel('Mail').fill(mail);
    await page.getByLabel(/^From/).fill(from);
    await page.getByLabel(/^To/).fill(to);
    await page.getByLabel(/^Status/).fill('4xx');
    // The journal is written just after each answer: search until the entry is there.
    expect(
      await until(async () => {
        await page.getByRole('button', { name: 'Search' }).click();
        return (await page.getByRole('heading', { name: '1 requests' }).count()) === 1;
      }, 10_000),
    ).toBe(true);
    const row = page.getByRole('region', { name: '1 requests' }).getByRole('row').filter({ hasText: '409' });
    await expect(row.textContent()).resolves.toContain('uniqueness');
    await expect(row.textContent()).resolves.toContain(duplicate.headers.get('x-request-id')!);
    await row.getByText('What was sent').click();
    await expect(row.locator('pre').textContent()).resolves.toContain(`"userName": "${mail}"`);
    // Another window finds nothing.
    await page.getByLabel(/^To/).fill(from);
    await page.getByLabel(/^From/).fill('2020-01-01T00:00:00Z');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('cell', { name: 'No request matched.' }).isVisible()).resolves.toBe(true);
  }, 60_000);
});
