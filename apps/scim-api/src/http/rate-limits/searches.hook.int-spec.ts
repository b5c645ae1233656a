import { DEFAULT_SCIM_LIMITS } from '@app/scim/limits/scim-limits';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import type { ScimRequest } from '../../auth/scim-auth.guard';
import type { ScimCaller } from '../../auth/scim-request-context';
import { FairTurns } from './fair-turns';
import { workInFairTurns } from './fair-turns.hook';
import { ScimRateLimits } from './scim-rate-limits';
import { rationSearches } from './searches.hook';

const USERS = '/scim/v2/enterprise-idps/p/Users';
const SEARCH = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq "a"' };

/** Rate limits with only the searches' on, `perSecond` and a burst of one second. */
const searchesOnly = (perSecond: number, refusalDelayMs: number) =>
  new ScimRateLimits({
    perTokenPerSecond: 0,
    perProviderPerSecond: 0,
    bodyBytesPerProviderPerSecond: 0,
    burstSeconds: 1,
    maxInFlightPerProvider: 0,
    searchesPerProviderPerSecond: perSecond,
    refusalDelayMs,
    paceBurstMs: 0,
  });

describe('rationSearches', () => {
  let server: FastifyInstance;

  beforeEach(async () => {
    server = Fastify();
    // What the authentication hook leaves behind for an authenticated request.
    server.addHook('onRequest', async (request: ScimRequest) => {
      if (request.url.startsWith('/scim/')) request.scimCaller = { providerId: String(request.headers['x-idp'] ?? 'p') } as ScimCaller;
    });
    const limits = searchesOnly(1, 1000);
    rationSearches(server, limits, DEFAULT_SCIM_LIMITS, pino({ level: 'silent' }));
    for (const route of ['/scim/v2/enterprise-idps/:providerId/Users', '/scim/v2/enterprise-idps/:providerId/Users/:id']) server.get(route, async () => ({ ok: true }));
    for (const route of ['/scim/v2/enterprise-idps/:providerId/Users/.search', '/scim/v2/enterprise-idps/:providerId/.search']) server.post(route, async () => ({ ok: true }));
    await server.ready();
  });

  afterEach(() => server.close());

  const list = (filter?: string, idp = 'p') =>
    server.inject({ method: 'GET', url: USERS, query: filter === undefined ? {} : { filter }, headers: { 'x-idp': idp } });

  it('never counts Entra\'s eq lookups nor reads by id', async () => {
    for (let i = 0; i < 20; i += 1) {
      expect((await list(`userName eq "u${i}"`)).statusCode).toBe(200);
      expect((await list(`emails[type eq "work"].value eq "u${i}@example.com"`)).statusCode).toBe(200);
      expect((await server.inject({ method: 'GET', url: `${USERS}/${i}` })).statusCode).toBe(200);
    }
  });

  it('answers a search beyond the IdP\'s ration a second late with a SCIM 429, Retry-After and no keep-alive', async () => {
    expect((await list('userName co "x"')).statusCode).toBe(200);
    const started = performance.now();
    const refused = await list('userName co "x"');
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.connection).toBe('close');
    expect(refused.json()).toMatchObject({ status: '429', detail: expect.stringMatching(/searches per second/) });
    expect((await list('userName co "x"', 'other-idp')).statusCode).toBe(200);
    expect((await list('userName eq "a"')).statusCode).toBe(200);
  }, 10_000);

  it('counts lists without a filter and every .search, at either endpoint', async () => {
    expect((await list()).statusCode).toBe(200);
    expect((await server.inject({ method: 'POST', url: `${USERS}/.search`, payload: SEARCH, headers: { 'x-idp': 'q' } })).statusCode).toBe(200);
    expect((await server.inject({ method: 'POST', url: '/scim/v2/enterprise-idps/r/.search', payload: SEARCH, headers: { 'x-idp': 'r' } })).statusCode).toBe(200);
    const refusals = await Promise.all([
      list(),
      server.inject({ method: 'POST', url: `${USERS}/.search`, payload: SEARCH, headers: { 'x-idp': 'q' } }),
      server.inject({ method: 'POST', url: '/scim/v2/enterprise-idps/r/.search', payload: SEARCH, headers: { 'x-idp': 'r' } }),
    ]);
    expect(refusals.map((r) => r.statusCode)).toEqual([429, 429, 429]);
  }, 10_000);
});

describe('rationSearches with workInFairTurns', () => {
  let server: FastifyInstance;
  const ended: string[] = [];

  beforeEach(async () => {
    ended.length = 0;
    server = Fastify();
    server.addHook('onRequest', async (request: ScimRequest) => {
      request.scimCaller = { providerId: String(request.headers['x-idp'] ?? 'p') } as ScimCaller;
    });
    const limits = searchesOnly(10, 0);
    rationSearches(server, limits, DEFAULT_SCIM_LIMITS, pino({ level: 'silent' }));
    workInFairTurns(server, new FairTurns(4));
    // Each request works for ?ms= milliseconds, then notes that it ended.
    const work = async (request: FastifyRequest<{ Querystring: { ms?: string; status?: string } }>, reply: FastifyReply) => {
      await sleep(Number(request.query.ms ?? 0));
      ended.push(`${String(request.headers['x-idp'])} ${request.method}`);
      return reply.code(Number(request.query.status ?? 200)).send({ ok: true });
    };
    server.get('/scim/v2/enterprise-idps/:providerId/Users/:id', work);
    server.post('/scim/v2/enterprise-idps/:providerId/Users/.search', work);
    await server.ready();
  });

  afterEach(() => server.close());

  const search = (ms: number, idp = 'p', status = 200) =>
    server.inject({ method: 'POST', url: `${USERS}/.search`, query: { ms: String(ms), status: String(status) }, payload: SEARCH, headers: { 'x-idp': idp } });

  it('charges a search for the time it worked: one that took 120 ms spends the ration of a dozen short ones', async () => {
    expect((await search(120)).statusCode).toBe(200);
    // Uncharged, nine of the ten searches of the burst would be left.
    const refused = await search(0);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect((await search(0, 'other')).statusCode).toBe(200);
  });

  it('charges a refused search (4xx) only the token it was admitted with: it scanned nothing', async () => {
    expect((await search(250, 'p', 400)).statusCode).toBe(400);
    expect((await search(0)).statusCode).toBe(200);
  });

  it('starts a search only once another IdP\'s request at work has ended', async () => {
    const lookup = server.inject({ method: 'GET', url: `${USERS}/1`, query: { ms: '200' }, headers: { 'x-idp': 'entra' } });
    await sleep(50);
    await Promise.all([lookup, search(0)]);
    expect(ended).toEqual(['entra GET', 'p POST']);
  });
});
