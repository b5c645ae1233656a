import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { randomUUID } from 'node:crypto';

const PROVIDER = { providerId: 'durable', token: 'durable-token-0123456789abcdef' };

describeOnEveryStore('concurrency, listing and restarts', [PROVIDER], (suite) => {

  it('loses no update when many PATCHes hit one user at once', async () => {
    const user = await suite.scim.post('/Users', entraCreateUser(`c.${randomUUID()}@example.com`, randomUUID()));
    const types = Array.from({ length: 12 }, (_, i) => `type${i}`);
    const responses = await Promise.all(
      types.map((type) =>
        suite.scim.patch(`/Users/${user.body.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Add', path: `emails[type eq "${type}"].value`, value: `${type}@example.com` }],
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(types.map(() => 200));
    const final = await suite.scim.get(`/Users/${user.body.id}`);
    expect(final.body.emails.map((e: { type: string }) => e.type).sort()).toEqual(['work', ...types].sort());
    expect(final.body.meta.version).toBe('W/"12"');
  });

  it('lets exactly one of several concurrent creates with the same userName win', async () => {
    const userName = `race.${randomUUID()}@example.com`;
    const responses = await Promise.all(Array.from({ length: 6 }, () => suite.scim.post('/Users', entraCreateUser(userName, randomUUID()))));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const matched = await suite.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(matched.body.totalResults).toBe(1);
  });

  it('pages and sorts with startIndex, count, sortBy and sortOrder', async () => {
    const prefix = `page${randomUUID().slice(0, 8)}`;
    for (const n of [3, 1, 5, 2, 4]) await suite.scim.post('/Users', entraCreateUser(`${prefix}.${n}@example.com`, randomUUID()));
    const filter = encodeURIComponent(`userName sw "${prefix}"`);
    const page = await suite.scim.get(`/Users?filter=${filter}&sortBy=userName&startIndex=2&count=2`);
    expect(page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([`${prefix}.2@example.com`, `${prefix}.3@example.com`]);
    const descending = await suite.scim.get(`/Users?filter=${filter}&sortBy=userName&sortOrder=descending&count=1&attributes=userName`);
    expect(descending.body.Resources).toEqual([
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: expect.any(String), userName: `${prefix}.5@example.com` },
    ]);
    const searched = await suite.scim.post('/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: `userName sw "${prefix}"`,
      excludedAttributes: ['emails', 'name'],
      count: 0,
    });
    expect(searched.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
  });

  it('keeps every user and version across a restart', async () => {
    const created = await suite.scim.post('/Users', entraCreateUser(`r.${randomUUID()}@example.com`, randomUUID()));
    await suite.scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    const before = await suite.scim.get(`/Users/${created.body.id}`);
    await suite.server.restart();
    const after = await suite.scim.get(`/Users/${created.body.id}`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ ...before.body, meta: { ...before.body.meta, location: after.body.meta.location } });
    expect((await suite.scim.post('/Users', entraCreateUser(created.body.userName, randomUUID()))).status).toBe(409);
  });
});
