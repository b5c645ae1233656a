import { loadConfig } from '@app/platform/config/app-config';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { Agent, request } from 'node:http';
import { connect, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { runEntraCycles, Tenant } from '../../bench/tenant-load';

const A = { providerId: 'hostile-a', token: 'hostile-a-token-0123456789abcdef' };
const B = { providerId: 'entra-b', token: 'entra-b-token-0123456789abcdefgh' };
/** Small enough for the flood to reach it in a test; the mechanics are the same at the default 1,024. */
const CAP = 64;

/** `count` connections that never finish their headers, each opened again as soon as it is closed, until `stop()`. */
async function holdSilentConnections(port: number, count: number, stop: () => boolean): Promise<{ reopened: number }> {
  const held = new Set<Socket>();
  let reopened = 0;
  const open = () => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    held.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      held.delete(socket);
      if (stop()) return;
      reopened += 1;
      setTimeout(open, 5);
    });
  };
  for (let i = 0; i < count; i += 1) open();
  while (!stop()) await delay(50);
  for (const socket of held) socket.destroy();
  return { reopened };
}

/** `clients` loops, each sending a request with a wrong token again as soon as it is answered or cut, until `stop()`. */
async function resendBadTokens(url: string, clients: number, stop: () => boolean): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const once = () =>
    new Promise<string>((resolve) => {
      const outgoing = request(`${url}/Users`, { agent, headers: { Authorization: 'Bearer not-a-token-0123456789abcdef' } }, (response) => {
        response.resume();
        response.on('end', () => resolve(String(response.statusCode)));
      });
      outgoing.on('error', () => resolve('cut'));
      outgoing.end();
    });
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (!stop()) {
        const outcome = await once();
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }),
  );
  agent.destroy();
  return outcomes;
}

/**
 * Issue 7's "cannot stop another tenant" at the connection level: a client that holds connections
 * without using them, and one that resends refused requests on every connection it can open, beside
 * an Entra-paced tenant's full cycle, past HTTP_MAX_CONNECTIONS. With Node's own cap every new
 * connection of the Entra tenant was refused while the flood held the cap.
 */
describe('a connection flood beside an Entra tenant', () => {
  let server: ScimTestServer;

  beforeAll(async () => {
    const defaults = loadConfig({});
    // The documented default limits (a refusal sent a second late), whatever the test server's own defaults.
    server = await ScimTestServer.start({ name: 'pglite' }, [A, B], undefined, { rateLimits: defaults.rateLimits, http: { ...defaults.http, maxConnections: CAP } });
  });
  afterAll(async () => server?.close());

  it("answers every request of the other tenant's cycle while silent connections and bad-token floods push against the cap", async () => {
    const port = Number(new URL(server.origin).port);
    let stopped = false;
    const stop = () => stopped;
    const silent = holdSilentConnections(port, 2 * CAP, stop);
    const badTokens = resendBadTokens(server.tenantUrl(A.providerId), CAP, stop);
    try {
      await delay(500);
      const tenantB: Tenant = { url: server.tenantUrl(B.providerId), token: B.token };
      // A connection Entra's side loses would reject the cycle here.
      const cycle = await runEntraCycles(tenantB, 20, { concurrency: 4, requestsPerSecond: 50 });
      expect(cycle.statuses).toEqual({ 200: 60, 201: 20, 204: 20 });
    } finally {
      stopped = true;
    }
    const [{ reopened }, outcomes] = await Promise.all([silent, badTokens]);
    // The flood was at the cap the whole time: its own connections were the ones closed.
    expect(reopened).toBeGreaterThan(CAP);
    expect(outcomes.cut).toBeGreaterThan(0);
    expect(Object.keys(outcomes).filter((outcome) => outcome !== 'cut' && outcome !== '401')).toEqual([]);
  });
});
