import Fastify, { FastifyInstance } from 'fastify';
import { request } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScimRequest } from '../../auth/scim-auth.guard';
import type { ScimCaller } from '../../auth/scim-request-context';
import { FairTurns } from './fair-turns';
import { workInFairTurns } from './fair-turns.hook';

/** Larger than the socket buffers on both sides: a client that does not read keeps its response unfinished. */
const LARGE_RESPONSE = 'x'.repeat(32 * 1024 * 1024);

describe('workInFairTurns', () => {
  let server: FastifyInstance;
  let port: number;
  let turns: FairTurns;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    turns = new FairTurns(1);
    server = Fastify();
    // What the authentication hook leaves behind for an authenticated request.
    server.addHook('onRequest', async (req: ScimRequest) => {
      req.scimCaller = { providerId: String(req.headers['x-idp']) } as ScimCaller;
    });
    workInFairTurns(server, turns);
    server.get('/large', async () => LARGE_RESPONSE);
    server.get('/small', async () => ({ ok: true }));
    server.get('/slow', async () => {
      await sleep(400);
      return { ok: true };
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    port = (server.server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await server.close();
  });

  const get = (path: string, idp: string) =>
    new Promise<number>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path, headers: { 'x-idp': idp } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });

  it('ends the turn once the response is serialized, so a client that never reads it holds no turn', async () => {
    const slowReader = connect(port, '127.0.0.1');
    sockets.push(slowReader);
    slowReader.pause();
    slowReader.write('GET /large HTTP/1.1\r\nHost: x\r\nx-idp: hostile\r\n\r\n');
    // The only slot, taken by the large response, must be free again although the client reads nothing.
    await sleep(200);
    const waiting = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2000).unref());
    expect(await Promise.race([get('/small', 'other'), waiting])).toBe(200);
    expect(turns.queued).toBe(0);
  });

  it('ends the turn of a request whose client left while it waited for one', async () => {
    const first = await turns.take('p');
    const leaving = connect(port, '127.0.0.1');
    sockets.push(leaving);
    leaving.write('GET /small HTTP/1.1\r\nHost: x\r\nx-idp: p\r\n\r\n');
    await sleep(100);
    expect(turns.queued).toBe(1);
    leaving.destroy();
    await sleep(100);
    first();
    expect(await get('/small', 'p')).toBe(200);
    expect(turns.queued).toBe(0);
  });

  it('keeps the turn of a request whose client left while it was at work until that work is done', async () => {
    const leaving = connect(port, '127.0.0.1');
    sockets.push(leaving);
    leaving.write('GET /slow HTTP/1.1\r\nHost: x\r\nx-idp: hostile\r\n\r\n');
    await sleep(100);
    leaving.destroy();
    let other = false;
    void turns.take('other').then((release) => ((other = true), release()));
    await sleep(150);
    // The slow handler still runs (Fastify answers into the void): its turn is still taken.
    expect(other).toBe(false);
    await sleep(300);
    expect(other).toBe(true);
  });
});
