import Fastify, { FastifyInstance } from 'fastify';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { whenRequestEnds } from './when-request-ends';

describe('whenRequestEnds', () => {
  let server: FastifyInstance;
  let port: number;
  let ended: string[];
  let gate: Promise<void>;
  let open: () => void;

  beforeEach(async () => {
    ended = [];
    gate = new Promise((resolve) => (open = resolve));
    server = Fastify();
    // What the authentication hook does: await a lookup, then take a slot released when the request ends.
    server.addHook('onRequest', async (req, reply) => {
      await gate;
      whenRequestEnds(req, reply, () => ended.push(req.url));
    });
    server.get('/*', async () => ({ ok: true }));
    await server.listen({ port: 0, host: '127.0.0.1' });
    port = (server.server.address() as AddressInfo).port;
  });

  afterEach(() => server.close());

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i += 1) await sleep(20);
  };

  it('releases once when the response is finished', async () => {
    open();
    const res = await fetch(`http://127.0.0.1:${port}/done`);
    expect(res.status).toBe(200);
    await until(() => ended.length > 0);
    expect(ended).toEqual(['/done']);
  });

  it('releases when the client left while the hook was awaiting (its close event had already fired)', async () => {
    const req = request({ host: '127.0.0.1', port, path: '/gone' });
    req.on('error', () => undefined);
    req.end();
    await sleep(100);
    req.destroy();
    await sleep(100);
    open();
    await until(() => ended.length > 0);
    expect(ended).toEqual(['/gone']);
  });
});
