import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { ScimResponse } from '@app/testing/scim-client';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';

const PROVIDER = { providerId: 'fuzzed', token: 'fuzzed-token-0123456789abcdef' };
const RUNS = 60;

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
});
