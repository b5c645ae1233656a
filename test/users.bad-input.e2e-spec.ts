import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { ScimResponse } from '@app/testing/scim-client';
import { NO_RATE_LIMITS } from '@app/testing/scim-test-server';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';

const PROVIDER = { providerId: 'fuzzed', token: 'fuzzed-token-0123456789abcdef' };
/** FUZZ_SCALE=n multiplies every property's runs: a long fuzz (README, "A long fuzz"). */
const SCALE = Math.max(1, Math.floor(Number(process.env.FUZZ_SCALE ?? 1)) || 1);
const RUNS = 60 * SCALE;
/** Each hostile run sends seven requests, some of them large. */
const HOSTILE_RUNS = 25 * SCALE;

/** A bounded random-input run over real HTTP: any answer is fine except a 5xx or a non-SCIM error body. */
function expectNo5xx(response: ScimResponse): void {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) expect(response.body?.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
}

const attributeNames = fc.constantFrom(
  'userName', 'USERNAME', 'name.givenName', 'emails', 'emails.value', 'emails.type', 'active', 'meta.created', 'meta.lastModified',
  'id', 'externalId', 'manager', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', 'groups', 'x509Certificates.value',
  'phoneNumbers[type eq "work"].value', 'nope', 'name', 'title',
);
const values = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('"', '\\', '%', '_', "'", '2011-05-13T04:42:34Z'));
const filterText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.tuple(attributeNames, fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'xx'), values).map(
    ([a, op, v]) => `${a} ${op} ${JSON.stringify(v) ?? ''}`,
  ),
);

/** Names that reach Object.prototype when looked up on a plain object. */
const prototypeKey = fc.constantFrom('constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf');
/** Strings around the limits: the indexed 512, the 2,048 of any string, and far beyond. */
const hugeString = fc.tuple(fc.constantFrom(511, 512, 513, 2048, 2049, 2700, 10_000, 70_000), fc.constantFrom('x', 'é', '😀', '"')).map(([n, c]) => c.repeat(n));
/** JSON text nested 1 to 6,000 levels deep, as arrays, objects or both. */
const deepJson = fc.tuple(fc.integer({ min: 1, max: 6000 }), fc.constantFrom('[', '{"a":', '[{"b":')).map(([depth, open]) => {
  const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
});
/** JSON objects whose member names include prototype keys, at any depth, as raw text (so `__proto__` stays a member). */
const prototypeJson: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
    fc.array(fc.tuple(fc.oneof(prototypeKey, attributeNames), tie('value')), { maxLength: 4 }).map(
      (members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`,
    ),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  ),
})).value;
/** Any envelope member as null or absent, which must mean absent. */
const nullMembers = fc.subarray(['filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'schemas', 'Operations']);
const selection = fc.oneof(attributeNames, prototypeKey, fc.tuple(attributeNames, fc.oneof(prototypeKey, fc.constantFrom('x', 'value', 'givenName'))).map(([a, b]) => `${a}.${b}`));

// A fuzzer goes faster than any IdP: the rate limits have their own tests (http-edges, noisy-neighbour).
describeOnEveryStore('bad input never gets a 5xx', [PROVIDER], (suite) => {
  let userId: string;

  beforeAll(async () => {
    userId = (await suite.scim.post('/Users', entraCreateUser(`fuzz.${randomUUID()}@example.com`, randomUUID()))).body.id;
  });

  it('answers every random filter, sort and paging query without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(filterText, fc.option(attributeNames), fc.option(fc.string({ maxLength: 6 })), async (filter, sortBy, startIndex) => {
        const params = new URLSearchParams({ filter });
        if (sortBy) params.set('sortBy', sortBy);
        if (startIndex) params.set('startIndex', startIndex);
        expectNo5xx(await suite.scim.get(`/Users?${params.toString()}`));
      }),
      { numRuns: RUNS },
    );
  });

  it('answers every random POST body without a 5xx', async () => {
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.record({ userName: values, active: values, emails: fc.jsonValue(), name: fc.jsonValue(), [randomUUID()]: fc.jsonValue() }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => expectNo5xx(await suite.scim.post('/Users', body))),
      { numRuns: RUNS },
    );
  });

  it('answers every random PATCH without a 5xx, and a rejected PATCH changes nothing', async () => {
    const operation = fc.record(
      { op: fc.oneof(fc.constantFrom('add', 'Replace', 'REMOVE', 'copy'), fc.string({ maxLength: 6 })), path: fc.oneof(attributeNames, fc.string({ maxLength: 30 })), value: fc.oneof(values, fc.jsonValue()) },
      { requiredKeys: ['op'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 3 }), async (operations) => {
        const before = await suite.scim.get(`/Users/${userId}`);
        const response = await suite.scim.patch(`/Users/${userId}`, { schemas: [PATCH_OP], Operations: operations });
        expectNo5xx(response);
        if (response.status >= 400) expect((await suite.scim.get(`/Users/${userId}`)).body.meta.version).toBe(before.body.meta.version);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers an object with a constructor member where a string goes (filter, sortBy, PATCH op and path) with a 400', async () => {
    const refused = [
      await suite.scim.request('POST', '/Users/.search', { rawBody: '{"filter":{"constructor":{}}}' }),
      await suite.scim.request('POST', '/Users/.search', { rawBody: '{"filter":"userName pr","sortBy":{"constructor":"x","__proto__":{}}}' }),
      await suite.scim.request('PATCH', `/Users/${userId}`, { rawBody: `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":{"constructor":{}},"value":"x"}]}` }),
      await suite.scim.request('PATCH', `/Users/${userId}`, { rawBody: `{"schemas":["${PATCH_OP}"],"Operations":[{"op":{"constructor":{"constructor":1}}}]}` }),
    ];
    for (const response of refused) {
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], scimType: 'invalidSyntax' });
    }
  });

  it('answers hostile bodies (huge strings, deep nesting, prototype keys, null members) on every write and search without a 5xx', async () => {
    const hostileBody = fc.oneof(
      fc.tuple(attributeNames, hugeString).map(([name, text]) => JSON.stringify({ userName: `h.${randomUUID()}`, [name]: text })),
      hugeString.map((text) => JSON.stringify({ userName: text })),
      deepJson.map((text) => `{"userName":"deep.${randomUUID()}","x":${text}}`),
      prototypeJson,
      prototypeJson.map((text) => `{"userName":"p.${randomUUID()}","name":${text},"emails":[${text}]}`),
    );
    const hostilePatch = fc.oneof(
      fc.tuple(attributeNames, hugeString).map(([path, value]) => JSON.stringify({ Operations: [{ op: 'replace', path, value }] })),
      deepJson.map((text) => `{"Operations":[{"op":"add","path":"title","value":${text}}]}`),
      prototypeJson.map((text) => `{"Operations":[{"op":"replace","value":${text}},{"op":"add","path":"name","value":${text}}]}`),
      fc.tuple(prototypeKey, fc.oneof(prototypeKey, attributeNames)).map(([key, path]) => `{"Operations":[{"op":"add","path":${JSON.stringify(path)},"value":{${JSON.stringify(key)}:1},${JSON.stringify(key)}:1}]}`),
      prototypeJson.map((text) => `{"Operations":[{"op":${text},"path":${text}}]}`),
      nullMembers.map((nulls) => JSON.stringify({ Operations: [{ op: 'replace', path: 'title', value: 't' }], ...Object.fromEntries(nulls.map((n) => [n, null])) })),
    );
    const hostileSearch = fc.oneof(
      nullMembers.map((nulls) => JSON.stringify(Object.fromEntries(nulls.map((n) => [n, null])))),
      prototypeJson,
      prototypeJson.map((text) => `{"filter":${text},"attributes":${text},"sortBy":${text}}`),
      deepJson.map((text) => `{"filter":${text}}`),
      hugeString.map((filter) => JSON.stringify({ filter })),
      fc.tuple(selection, selection).map(([attributes, excludedAttributes]) => JSON.stringify({ attributes, excludedAttributes, sortBy: null })),
    );
    await fc.assert(
      fc.asyncProperty(hostileBody, hostilePatch, hostileSearch, selection, async (body, patchBody, search, attributes) => {
        const before = await suite.scim.get(`/Users/${userId}`);
        expectNo5xx(await suite.scim.request('POST', '/Users', { rawBody: body }));
        const replaced = await suite.scim.request('PUT', `/Users/${userId}`, { rawBody: body });
        expectNo5xx(replaced);
        const patched = await suite.scim.request('PATCH', `/Users/${userId}`, { rawBody: patchBody });
        expectNo5xx(patched);
        expectNo5xx(await suite.scim.request('POST', '/Users/.search', { rawBody: search }));
        expectNo5xx(await suite.scim.get(`/Users/${userId}?attributes=${encodeURIComponent(attributes)}`));
        expectNo5xx(await suite.scim.get(`/Users?excludedAttributes=${encodeURIComponent(attributes)}&count=2`));
        // A refused PUT and PATCH leave the user exactly as it was.
        if (replaced.status >= 400 && patched.status >= 400) expect((await suite.scim.get(`/Users/${userId}`)).body).toEqual(before.body);
      }),
      { numRuns: HOSTILE_RUNS },
    );
  });

  it('answers random ids, selections and raw bodies without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.string({ maxLength: 200 }), async (id, attributes, raw) => {
        expectNo5xx(await suite.scim.get(`/Users/${encodeURIComponent(id)}?attributes=${encodeURIComponent(attributes)}`));
        expectNo5xx(await suite.scim.request('PUT', `/Users/${encodeURIComponent(id)}`, { rawBody: raw }));
        expectNo5xx(await suite.scim.request('PATCH', `/Users/${userId}`, { rawBody: raw }));
      }),
      { numRuns: RUNS },
    );
  });
}, { rateLimits: NO_RATE_LIMITS });
