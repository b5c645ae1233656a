import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { CUSTOM, ENTERPRISE, EntraMode, entraCreateUser, entraSetActive, entraSetManager, entraUpdateAttributes, PATCH_OP } from '@app/testing/entra-payloads';
import { ScimClient, ScimResponse, scimRequest } from '@app/testing/scim-client';
import { randomUUID } from 'node:crypto';

const HOSTILE = { providerId: 'tenant-a', token: 'tenant-a-token-0123456789abcdef' };
const ENTRA = { providerId: 'tenant-b', token: 'tenant-b-token-0123456789abcdef', customAttributes: [`${CUSTOM}:JobCode`] };
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const PROTOTYPE_KEYS = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

type Poison = readonly [label: string, send: (scim: ScimClient, userId: string) => Promise<ScimResponse>, expected?: number];

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** A JSON object text whose member names are the prototype keys, each with `value`: `__proto__` survives only as text. */
const prototypeMembers = (value: string) => `{${PROTOTYPE_KEYS.map((k) => `"${k}":${value}`).join(',')}}`;
const patch = (operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });
const raw = (scim: ScimClient, method: string, path: string, body: string) => scim.request(method, path, { rawBody: body });

/** What a hostile or broken client of tenant A sends; each must be answered below 500 (the listed status where one is fixed). */
const POISON: readonly Poison[] = [
  // Huge strings: the 2,700-character userName used to be appended and then wedge the projection for everyone.
  ['a 2,700-character userName', (s) => s.post('/Users', { userName: 'x'.repeat(2700) }), 400],
  ['a 10,000-character userName', (s) => s.post('/Users', { userName: 'y'.repeat(10_000) }), 400],
  ['a 200 KB displayName', (s) => s.post('/Users', { userName: `big.${randomUUID()}`, displayName: 'd'.repeat(200_000) }), 400],
  ['a 200 KB displayName by PATCH', (s, id) => s.patch(`/Users/${id}`, patch([{ op: 'replace', path: 'displayName', value: 'd'.repeat(200_000) }])), 400],
  // Over the body limit (SCIM_BODY_LIMIT_BYTES, 256 KiB by default): refused before parsing.
  ['a 600 KB displayName', (s) => s.post('/Users', { userName: `big.${randomUUID()}`, displayName: 'd'.repeat(600_000) }), 413],
  ['a 600 KB displayName by PATCH', (s, id) => s.patch(`/Users/${id}`, patch([{ op: 'replace', path: 'displayName', value: 'd'.repeat(600_000) }])), 413],
  // Deep nesting, which used to overflow the stack (500).
  ['a POST nested 5,000 deep', (s) => raw(s, 'POST', '/Users', `{"userName":"n@x","x":${deep(5000)}}`), 400],
  ['a PATCH value nested 2,000 deep', (s, id) => raw(s, 'PATCH', `/Users/${id}`, `{"Operations":[{"op":"add","path":"title","value":${deepObject(2000)}}]}`), 400],
  ['a .search nested 2,000 deep', (s) => raw(s, 'POST', '/.search', `{"filter":${deep(2000)}}`), 400],
  // Prototype-ish member names, which used to answer 500 in .search and PATCH.
  ['prototype keys in a POST body', (s) => raw(s, 'POST', '/Users', `${prototypeMembers('{"a":1}').slice(0, -1)},"userName":"proto.${randomUUID()}"}`), 201],
  ['prototype keys in a complex POST value', (s) => raw(s, 'POST', '/Users', `{"userName":"proto.${randomUUID()}","name":${prototypeMembers('"x"')},"emails":[${prototypeMembers('"y"')}]}`), 201],
  ['prototype keys in a .search body', (s) => raw(s, 'POST', '/Users/.search', `${prototypeMembers('"x"').slice(0, -1)},"schemas":["${SEARCH}"]}`), 200],
  ['prototype keys in a PATCH value', (s, id) => raw(s, 'PATCH', `/Users/${id}`, `{"Operations":[{"op":"replace","value":${prototypeMembers('"x"')}}]}`), 400],
  ['prototype keys in a complex PATCH value', (s, id) => raw(s, 'PATCH', `/Users/${id}`, `{"Operations":[{"op":"replace","path":"name","value":${prototypeMembers('"x"')}}]}`), 200],
  ['prototype keys in a PATCH operation', (s, id) => raw(s, 'PATCH', `/Users/${id}`, `{"Operations":[${prototypeMembers('1').slice(0, -1)},"op":"replace","path":"title","value":"t"}]}`), 200],
  // A bare name is an unregistered plain custom attribute, dropped and recorded; "__proto__" is no attribute name at all.
  ...PROTOTYPE_KEYS.map((key): Poison => [`"${key}" as a PATCH path`, (s, id) => s.patch(`/Users/${id}`, patch([{ op: 'replace', path: key, value: 'x' }])), key === '__proto__' ? 400 : 200]),
  ['prototype keys in a PATCH path filter', (s, id) => s.patch(`/Users/${id}`, patch([{ op: 'replace', path: 'emails[constructor eq "x"].value', value: 'a@x' }])), 400],
  ['prototype keys in a filter', (s) => s.get(`/Users?filter=${encodeURIComponent('constructor pr or toString eq "x" or emails[hasOwnProperty pr]')}`)],
  ['"__proto__" in a filter', (s) => s.get(`/Users?filter=${encodeURIComponent('emails[__proto__ pr]')}`), 400],
  ...['constructor', 'toString', 'hasOwnProperty'].flatMap((key): Poison[] => [
    [`meta.${key} in a filter`, (s) => s.get(`/Users?filter=${encodeURIComponent(`meta.${key} eq "x"`)}`)],
    [`meta.${key} as sortBy`, (s) => s.get(`/Users?sortBy=meta.${key}`)],
    [`name.${key} as sortBy`, (s) => s.post('/.search', { sortBy: `name.${key}` })],
  ]),
  ['prototype keys in a selection', (s, id) => s.get(`/Users/${id}?attributes=constructor,name.constructor,emails.__proto__&excludedAttributes=toString`), 200],
  // Sub-attributes of simple attributes, which used to answer 500.
  ...['userName.x', 'id.x', 'externalId.value', 'active.x'].flatMap((name): Poison[] => [
    [`attributes=${name} on GET`, (s, id) => s.get(`/Users/${id}?attributes=${name}`), 400],
    [`attributes=${name} on a list`, (s) => s.get(`/Users?attributes=${name}`), 400],
    [`excludedAttributes=${name} on .search`, (s) => s.post('/.search', { excludedAttributes: name }), 400],
  ]),
  // Null members of a SearchRequest mean absent, which used to answer 500.
  ['a .search with null sortBy, attributes and excludedAttributes', (s) => s.post('/Users/.search', { schemas: [SEARCH], sortBy: null, sortOrder: null, attributes: null, excludedAttributes: null, filter: null, count: null }), 200],
  // 10,000-element arrays, and the PATCH that froze the event loop for 26 s.
  ['a POST with 10,000 emails', (s) => s.post('/Users', { userName: `many.${randomUUID()}`, emails: Array.from({ length: 10_000 }, (_, i) => ({ value: `e${i}@x` })) }), 400],
  ['a PATCH adding 10,000 emails', (s, id) => s.patch(`/Users/${id}`, patch([{ op: 'add', path: 'emails', value: Array.from({ length: 10_000 }, (_, i) => ({ value: `e${i}@x` })) }])), 400],
  ['a PATCH with 2,000 filtered operations', (s, id) => s.patch(`/Users/${id}`, patch(Array.from({ length: 2000 }, (_, i) => ({ op: 'replace', path: `emails[type eq "t${i}"].value`, value: `v${i}@x` })))), 400],
  // Huge and complex filters.
  ['a filter of 2,000 ORs', (s) => s.post('/.search', { filter: Array.from({ length: 2000 }, (_, i) => `userName eq "u${i}"`).join(' or ') }), 400],
  ['a filter nested 500 deep', (s) => s.get(`/Users?filter=${encodeURIComponent(`${'('.repeat(500)}userName pr${')'.repeat(500)}`)}`), 400],
  ['a filter of 40 ORs (within the length limit, over the node limit)', (s) => s.get(`/Users?filter=${encodeURIComponent(Array.from({ length: 40 }, (_, i) => `title eq "${i}"`).join(' or '))}`), 400],
  // Strings PostgreSQL cannot store.
  ['a NUL character in a dropped member', (s) => s.post('/Users', { userName: `nul.${randomUUID()}`, notAnAttribute: 'a\u0000b' }), 400],
  ['an unpaired surrogate', (s) => raw(s, 'POST', '/Users', `{"userName":"sur.${randomUUID()}","displayName":"\\ud800"}`), 400],
];

/** Tenant B's full Entra cycle: create, find, update, manager, disable, enable, delete; every answer checked. */
async function entraCycle(scim: ScimClient, mode: EntraMode): Promise<void> {
  const userName = `ada.${randomUUID()}@example.com`;
  const created = await scim.post('/Users', entraCreateUser(userName, randomUUID()));
  expect(created.status).toBe(201);
  const id = created.body.id;
  const found = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
  expect(found.body.Resources).toEqual([created.body]);
  const updated = await scim.patch(`/Users/${id}`, entraUpdateAttributes(mode));
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ displayName: 'Ada King', [ENTERPRISE]: { department: 'Analytical Engines' }, [CUSTOM]: { JobCode: 'AE-2' } });
  const manager = await scim.post('/Users', entraCreateUser(`boss.${randomUUID()}@example.com`, randomUUID()));
  expect((await scim.patch(`/Users/${id}`, entraSetManager(mode, manager.body.id))).body[ENTERPRISE].manager).toEqual({ value: manager.body.id });
  expect((await scim.patch(`/Users/${id}`, entraSetActive(mode, false))).body.active).toBe(false);
  expect((await scim.patch(`/Users/${id}`, entraSetActive(mode, true))).body.active).toBe(true);
  expect((await scim.delete(`/Users/${id}`)).status).toBe(204);
  expect((await scim.get(`/Users/${id}`)).status).toBe(404);
}

describeOnEveryStore('poison input from one tenant, then another tenant’s Entra cycle and a restart', [HOSTILE, ENTRA], (suite) => {
  let victimId: string;
  const hostile = () => suite.client(HOSTILE);

  beforeAll(async () => {
    const victim = await hostile().post('/Users', { ...entraCreateUser(`victim.${randomUUID()}@example.com`, randomUUID()), emails: [{ type: 't0', value: 'v@x' }] });
    expect(victim.status).toBe(201);
    victimId = victim.body.id;
  });

  it.each(POISON.map((p) => [p[0], p] as const))('answers %s below 500, as SCIM JSON', async (_label, [, send, expected]) => {
    const response = await send(hostile(), victimId);
    expect(response.status).toBeLessThan(500);
    if (expected !== undefined) expect(response.status).toBe(expected);
    expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    if (response.status >= 400) {
      expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(response.status) });
    }
  });

  it('has stored none of it: tenant A holds only what was valid, and its victim is as the valid PATCHes left it', async () => {
    const all = await hostile().get('/Users?count=200');
    expect(all.status).toBe(200);
    for (const user of all.body.Resources as { userName: string }[]) expect(user.userName.length).toBeLessThan(100);
    const victim = await hostile().get(`/Users/${victimId}`);
    expect(victim.status).toBe(200);
    expect(victim.body.emails).toEqual([{ type: 't0', value: 'v@x' }]);
    expect(victim.body.displayName).toBe('Ada Lovelace');
  });

  it.each(['default', 'aadOptscim062020'] as EntraMode[])('then runs tenant B’s full Entra cycle (%s mode)', async (mode) => {
    await entraCycle(suite.client(ENTRA), mode);
  });

  it('keeps serving both tenants after a restart, ready and with nothing left behind', async () => {
    await suite.server.restart();
    const ready = await scimRequest('GET', `${suite.server.origin}/health/ready`);
    expect(ready.status).toBe(200);
    await entraCycle(suite.client(ENTRA), 'default');
    expect((await hostile().get(`/Users/${victimId}`)).status).toBe(200);
    expect((await hostile().post('/Users', entraCreateUser(`after.${randomUUID()}@example.com`, randomUUID()))).status).toBe(201);
  });
});
