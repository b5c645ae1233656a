import { ScimError } from '@app/scim/errors/scim-error';
import Fastify, { FastifyInstance } from 'fastify';
import { acceptScimJsonBodies } from './scim-json-body';

/** A bare Fastify instance with the SCIM body parser, answering with what it parsed (or the ScimError). */
async function echo(maxJsonDepth: number): Promise<FastifyInstance> {
  const fastify = Fastify();
  acceptScimJsonBodies(fastify, { maxJsonDepth });
  fastify.setErrorHandler((error, _request, reply) => {
    const scim = error instanceof ScimError ? error : undefined;
    return reply.status(scim?.status ?? 500).send(scim?.toJSON() ?? { message: String(error) });
  });
  fastify.post('/', async (request) => ({ body: request.body ?? null }));
  await fastify.ready();
  return fastify;
}

const post = (fastify: FastifyInstance, payload: string, contentType = 'application/scim+json; charset=utf-8') =>
  fastify.inject({ method: 'POST', url: '/', headers: { 'content-type': contentType }, payload });

describe('acceptScimJsonBodies', () => {
  let fastify: FastifyInstance;
  beforeAll(async () => {
    fastify = await echo(3);
  });
  afterAll(() => fastify.close());

  it('parses a body at the configured depth', async () => {
    const response = await post(fastify, '{"a":[{"b":1}]}');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ body: { a: [{ b: 1 }] } });
  });

  it('refuses a body one level deeper with invalidSyntax naming the limit, brackets in strings not counted', async () => {
    expect((await post(fastify, '{"a":"[[[[[[","b":[{"c":"]]]"}]}')).statusCode).toBe(200);
    const response = await post(fastify, '{"a":[{"b":[]}]}');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      scimType: 'invalidSyntax',
      detail: 'The request body nests deeper than the 3-level limit (SCIM_MAX_JSON_DEPTH)',
    });
  });

  it('refuses 100,000 levels without overflowing anything', async () => {
    const response = await post(fastify, `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'application/json');
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toMatch(/SCIM_MAX_JSON_DEPTH/);
  });

  it('still refuses text that is not JSON, and takes an empty body as none', async () => {
    expect((await post(fastify, '{"a":')).json()).toMatchObject({ scimType: 'invalidSyntax', detail: 'The request body is not valid JSON' });
    expect((await post(fastify, '')).json()).toEqual({ body: null });
  });
});
