import { DEFAULT_SCIM_LIMITS, ScimLimits } from '@app/scim/limits/scim-limits';
import { entraCreateUser, entraUpdateAttributes, PATCH_OP } from '@app/testing/entra-payloads';
import { storageTargets, StorageTarget } from '@app/testing/postgres-target';
import { ScimClient, ScimResponse } from '@app/testing/scim-client';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';

const PROVIDER = { providerId: 'limits', token: 'limits-token-0123456789abcdef' };
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Small limits, so each violation takes a small payload. */
const LIMITS: ScimLimits = {
  ...DEFAULT_SCIM_LIMITS,
  maxStringLength: 64,
  maxIndexedStringLength: 40,
  maxResourceBytes: 2048,
  maxMultiValuedElements: 3,
  maxPatchOperations: 4,
  maxFilterLength: 80,
  maxFilterNodes: 5,
  maxFilterDepth: 2,
  maxJsonDepth: 8,
  maxResponseBytes: 4000,
};

/** The last position in the event log: unchanged means nothing was appended, not even a reservation. */
async function logEnd(server: ScimTestServer): Promise<number> {
  let end = 0;
  for (;;) {
    const batch = await server.stores.events.readAll(end, 1000);
    if (batch.length === 0) return end;
    end = batch[batch.length - 1].position;
  }
}

function expectLimitError(response: ScimResponse, scimType: string, detail: RegExp): void {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType });
  expect(response.body.detail).toMatch(detail);
}

const user = (userName = `u.${randomUUID().slice(0, 8)}@example.com`) => ({ schemas: [CORE], userName, active: true });

/** About 500 bytes per address, each value within the small limits. */
function withAddresses(count: number): Record<string, unknown> {
  const address = (i: number) => ({ type: `t${i}`, streetAddress: 's'.repeat(60), locality: 'l'.repeat(60), region: 'r'.repeat(60), postalCode: 'p'.repeat(60), country: 'NL', formatted: 'f'.repeat(60) });
  return { displayName: 'd'.repeat(60), title: 't'.repeat(60), nickName: 'n'.repeat(60), addresses: Array.from({ length: count }, (_, i) => address(i)) };
}

describe.each(storageTargets().map((t) => [t.name, t] as const))('SCIM limits on %s', (_name, target: StorageTarget) => {
  let server: ScimTestServer;
  const scim = () => new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);

  beforeAll(async () => {
    server = await ScimTestServer.start(target, [PROVIDER], undefined, { limits: LIMITS });
  });
  afterAll(async () => server?.close());

  /** Sends a request that must be refused, and checks that the log did not move. */
  async function refused(send: () => Promise<ScimResponse>, scimType: string, detail: RegExp): Promise<void> {
    const before = await logEnd(server);
    expectLimitError(await send(), scimType, detail);
    expect(await logEnd(server)).toBe(before);
  }

  async function absent(userName: string): Promise<void> {
    const found = await scim().get(`/Users?filter=${encodeURIComponent(`userName eq "${userName.slice(0, 40)}"`)}`);
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(0);
  }

  async function created(body: Record<string, unknown> = user()): Promise<{ id: string; version: string }> {
    const response = await scim().post('/Users', body);
    expect(response.status).toBe(201);
    return { id: response.body.id, version: response.body.meta.version };
  }

  /** A PATCH that must be refused, leaving the user exactly as it was. */
  async function patchRefused(operations: unknown[], scimType: string, detail: RegExp, body: Record<string, unknown> = user()): Promise<void> {
    const { id } = await created(body);
    const before = (await scim().get(`/Users/${id}`)).body;
    await refused(() => scim().patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: operations }), scimType, detail);
    expect((await scim().get(`/Users/${id}`)).body).toEqual(before);
  }

  describe('maxIndexedStringLength (SCIM_MAX_INDEXED_STRING_LENGTH)', () => {
    it.each([
      ['userName', (v: string) => ({ ...user(v) })],
      ['externalId', (v: string) => ({ ...user(), externalId: v })],
      ['an emails value', (v: string) => ({ ...user(), emails: [{ value: v, type: 'work' }] })],
    ])('refuses %s one character over the limit on POST, and stores nothing', async (_label, body) => {
      const value = `${randomUUID()}`.padEnd(41, 'x');
      await refused(() => scim().post('/Users', body(value)), 'invalidValue', /longer than the 40-character limit \(SCIM_MAX_INDEXED_STRING_LENGTH\)/);
      await absent(value);
    });

    it('accepts a userName exactly at the limit', async () => {
      await created(user(`${randomUUID()}`.padEnd(40, 'x')));
    });

    it('refuses a PATCH or PUT that makes userName too long, leaving the user unchanged', async () => {
      await patchRefused([{ op: 'replace', path: 'userName', value: 'x'.repeat(41) }], 'invalidValue', /SCIM_MAX_INDEXED_STRING_LENGTH/);
      const { id } = await created();
      await refused(() => scim().put(`/Users/${id}`, user('y'.repeat(41))), 'invalidValue', /SCIM_MAX_INDEXED_STRING_LENGTH/);
    });
  });

  describe('maxStringLength (SCIM_MAX_STRING_LENGTH)', () => {
    it('refuses any string over the limit, kept or dropped, on POST', async () => {
      const body = user();
      await refused(() => scim().post('/Users', { ...body, displayName: 'd'.repeat(65) }), 'invalidValue', /"displayName" is longer than the 64-character limit \(SCIM_MAX_STRING_LENGTH\)/);
      await refused(() => scim().post('/Users', { ...body, notAnAttribute: 'd'.repeat(65) }), 'invalidValue', /SCIM_MAX_STRING_LENGTH/);
      await absent(body.userName);
    });

    it('refuses it in a PATCH value', async () => {
      await patchRefused([{ op: 'replace', value: { 'name.givenName': 'g'.repeat(65) } }], 'invalidValue', /SCIM_MAX_STRING_LENGTH/);
    });
  });

  describe('maxMultiValuedElements (SCIM_MAX_MULTI_VALUED_ELEMENTS)', () => {
    const emails = (n: number, tag = 'a') => Array.from({ length: n }, (_, i) => ({ value: `${tag}${i}@example.com` }));

    it('refuses a list over the limit on POST', async () => {
      const body = { ...user(), emails: emails(4) };
      await refused(() => scim().post('/Users', body), 'invalidValue', /"emails" has 4 elements, over the 3-element limit \(SCIM_MAX_MULTI_VALUED_ELEMENTS\)/);
      await absent(body.userName);
    });

    it('refuses a PATCH whose operations together make a list too long', async () => {
      await patchRefused(
        [
          { op: 'add', path: 'emails', value: emails(2) },
          { op: 'add', path: 'emails', value: emails(2, 'b') },
        ],
        'invalidValue',
        /"emails" has 4 elements, over the 3-element limit \(SCIM_MAX_MULTI_VALUED_ELEMENTS\)/,
      );
    });
  });

  describe('maxResourceBytes (SCIM_MAX_RESOURCE_BYTES)', () => {
    const sixty = (c: string) => c.repeat(60);
    const name = { formatted: sixty('f'), familyName: sixty('a'), givenName: sixty('g'), middleName: sixty('m'), honorificPrefix: sixty('p'), honorificSuffix: sixty('s') };
    /** Each value within its own limits, together over 2048 bytes. */
    const large = { ...withAddresses(3), name, preferredLanguage: sixty('l'), locale: sixty('o'), timezone: sixty('z') };

    it('refuses a POST whose user would be over the limit', async () => {
      const body = { ...user(), ...large };
      await refused(() => scim().post('/Users', body), 'invalidValue', /over the 2048-byte limit \(SCIM_MAX_RESOURCE_BYTES\)/);
      await absent(body.userName);
    });

    it('refuses a PATCH that grows a user over the limit, though every value is within its own limits', async () => {
      await patchRefused([{ op: 'add', value: large }], 'invalidValue', /SCIM_MAX_RESOURCE_BYTES/);
    });
  });

  describe('maxPatchOperations (SCIM_MAX_PATCH_OPERATIONS) and the PATCH work budget', () => {
    it('refuses a PATCH with more operations than the limit', async () => {
      const operations = Array.from({ length: 5 }, (_, i) => ({ op: 'replace', path: 'displayName', value: `d${i}` }));
      await patchRefused(operations, 'invalidValue', /The PATCH has 5 operations, over the 4-operation limit \(SCIM_MAX_PATCH_OPERATIONS\)/);
    });

    it('refuses a PATCH whose filtered operations would visit more elements than operations × elements', async () => {
      const emails = (tag: string) => ['a', 'b', 'c'].map((type) => ({ type: `${tag}${type}`, value: `${tag}${type}@x` }));
      // The list grows to 6 within the PATCH (3 + 4 + 5 comparisons), then each filter visits 6 elements.
      const grow = { op: 'add', path: 'emails', value: emails('new') };
      const filtered = (type: string) => ({ op: 'replace', path: `emails[type eq "${type}"].value`, value: `${type}2@x` });
      const operations = [grow, filtered('a'), filtered('b'), filtered('c')];
      await patchRefused(operations, 'invalidValue', /budget of 12 element visits \(SCIM_MAX_PATCH_OPERATIONS × SCIM_MAX_MULTI_VALUED_ELEMENTS\)/, { ...user(), emails: emails('') });
    });
  });

  describe('filters (SCIM_MAX_FILTER_LENGTH, SCIM_MAX_FILTER_NODES, SCIM_MAX_FILTER_DEPTH)', () => {
    const cases: [string, string, RegExp][] = [
      ['length', `userName eq "${'x'.repeat(80)}"`, /longer than the 80-character limit \(SCIM_MAX_FILTER_LENGTH\)/],
      ['nodes', 'a pr or b pr or c pr or d pr', /more nodes than the 5-node limit \(SCIM_MAX_FILTER_NODES\)/],
      ['depth', '(((userName pr)))', /deeper than the 2-level limit \(SCIM_MAX_FILTER_DEPTH\)/],
    ];

    it.each(cases)('refuses a GET filter over the %s limit with invalidFilter', async (_label, filter, detail) => {
      expectLimitError(await scim().get(`/Users?filter=${encodeURIComponent(filter)}`), 'invalidFilter', detail);
    });

    it.each(cases)('refuses a POST .search filter over the %s limit with invalidFilter', async (_label, filter, detail) => {
      expectLimitError(await scim().post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter }), 'invalidFilter', detail);
    });

    it('accepts filters at the limits', async () => {
      expect((await scim().get(`/Users?filter=${encodeURIComponent('userName pr or title pr or nickName pr')}`)).status).toBe(200);
      expect((await scim().get(`/Users?filter=${encodeURIComponent('((userName pr))')}`)).status).toBe(200);
    });

    it.each([
      ['length', `emails[value eq "${'x'.repeat(80)}"]`, /SCIM_MAX_FILTER_LENGTH/],
      ['nodes', 'emails[type eq "a" or type eq "b" or type eq "c" or type eq "d"]', /SCIM_MAX_FILTER_NODES/],
      ['depth', 'emails[((type eq "a"))]', /SCIM_MAX_FILTER_DEPTH/],
    ])('refuses a PATCH path filter over the %s limit with invalidFilter', async (_label, path, detail) => {
      await patchRefused([{ op: 'remove', path }], 'invalidFilter', detail);
    });
  });

  describe('maxJsonDepth (SCIM_MAX_JSON_DEPTH)', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

    it('refuses the 5,000-deep POST and the 2,000-deep PATCH value and .search that used to answer 500', async () => {
      const { id } = await created();
      const before = await logEnd(server);
      const deepArray = (d: number) => `${'['.repeat(d)}${']'.repeat(d)}`;
      const sent = [
        await scim().request('POST', '/Users', { rawBody: `{"userName":"deep@example.com","x":${deepArray(5000)}}` }),
        await scim().request('PATCH', `/Users/${id}`, { rawBody: `{"Operations":[{"op":"add","path":"title","value":${deepArray(2000)}}]}` }),
        await scim().request('POST', '/Users/.search', { rawBody: `{"filter":${deepArray(2000)}}` }),
      ];
      for (const response of sent) expectLimitError(response, 'invalidSyntax', /nests deeper than the \d+-level limit \(SCIM_MAX_JSON_DEPTH\)/);
      expect(await logEnd(server)).toBe(before);
      expect((await scim().get(`/Users/${id}`)).body.meta.version).toBe('W/"0"');
    });

    it.each([
      ['POST /Users', 'POST', '/Users', (d: number) => `{"userName":"deep@example.com","x":${nested(d - 1)}}`],
      ['POST /.search', 'POST', '/Users/.search', (d: number) => `{"filter":"userName pr","x":${nested(d - 1)}}`],
    ])('refuses a body nested deeper than the limit on %s with invalidSyntax', async (_label, method, path, body) => {
      const before = await logEnd(server);
      expectLimitError(await scim().request(method, path, { rawBody: body(9) }), 'invalidSyntax', /nests deeper than the 8-level limit \(SCIM_MAX_JSON_DEPTH\)/);
      expect(await logEnd(server)).toBe(before);
    });

    it('refuses a deep PATCH value, and takes one at the limit to the schema', async () => {
      const { id } = await created();
      const operations = (d: number) => `{"Operations":[{"op":"replace","path":"displayName","value":${nested(d - 3)}}]}`;
      expectLimitError(await scim().request('PATCH', `/Users/${id}`, { rawBody: operations(9) }), 'invalidSyntax', /SCIM_MAX_JSON_DEPTH/);
      expectLimitError(await scim().request('PATCH', `/Users/${id}`, { rawBody: operations(8) }), 'invalidValue', /must be a string/);
    });
  });

  describe('maxResponseBytes (SCIM_MAX_RESPONSE_BYTES)', () => {
    it('stops a page early when its resources are large, itemsPerPage saying how many it holds', async () => {
      const title = `page-${randomUUID()}`;
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push((await created({ ...user(), ...withAddresses(2), title })).id);
      const filter = encodeURIComponent(`title eq "${title}"`);
      const first = await scim().get(`/Users?filter=${filter}&sortBy=id`);
      expect(first.status).toBe(200);
      expect(first.body.totalResults).toBe(4);
      expect(first.body.itemsPerPage).toBe(first.body.Resources.length);
      expect(first.body.itemsPerPage).toBeGreaterThanOrEqual(1);
      expect(first.body.itemsPerPage).toBeLessThan(4);
      expect(Buffer.byteLength(JSON.stringify(first.body))).toBeLessThanOrEqual(LIMITS.maxResponseBytes);
      // The client pages on from startIndex + itemsPerPage and gets everything, once.
      const seen: string[] = first.body.Resources.map((r: { id: string }) => r.id);
      while (seen.length < 4) {
        const next = await scim().get(`/Users?filter=${filter}&sortBy=id&startIndex=${seen.length + 1}`);
        expect(next.body.itemsPerPage).toBeGreaterThanOrEqual(1);
        seen.push(...next.body.Resources.map((r: { id: string }) => r.id));
      }
      expect(new Set(seen)).toEqual(new Set(ids));
    });
  });
});

describe.each(storageTargets().map((t) => [t.name, t] as const))('the default limits on %s', (_name, target: StorageTarget) => {
  let server: ScimTestServer;
  const scim = () => new ScimClient(server.tenantUrl(PROVIDER.providerId), PROVIDER.token);

  beforeAll(async () => {
    server = await ScimTestServer.start(target, [PROVIDER]);
  });
  afterAll(async () => server?.close());

  it('accept what Entra sends: a full create and both update modes', async () => {
    const created = await scim().post('/Users', entraCreateUser(`ada.${randomUUID()}@example.com`, randomUUID()));
    expect(created.status).toBe(201);
    for (const mode of ['default', 'aadOptscim062020'] as const) {
      expect((await scim().patch(`/Users/${created.body.id}`, entraUpdateAttributes(mode))).status).toBe(200);
    }
  });

  it('accept a 512-character userName and refuse 513, naming the default limit', async () => {
    const name = (n: number) => `${randomUUID()}@`.padEnd(n, 'x');
    expect((await scim().post('/Users', user(name(512)))).status).toBe(201);
    expectLimitError(await scim().post('/Users', user(name(513))), 'invalidValue', /^userName is longer than the 512-character limit \(SCIM_MAX_INDEXED_STRING_LENGTH\)$/);
  });

  it('refuse the 2,700-character userName that used to be appended and wedge the projection', async () => {
    expectLimitError(await scim().post('/Users', user('x'.repeat(2700))), 'invalidValue', /SCIM_MAX_STRING_LENGTH|SCIM_MAX_INDEXED_STRING_LENGTH/);
    expect((await scim().post('/Users', user())).status).toBe(201);
  });
});
