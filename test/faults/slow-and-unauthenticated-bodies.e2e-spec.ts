import { loadConfig } from '@app/platform/config/app-config';
import { ScimTestServer } from '@app/testing/scim-test-server';
import { setTimeout as delay } from 'node:timers/promises';
import { runEntraCycles } from '../../bench/tenant-load';
import { RawConnection } from '../raw-http';

const A = { providerId: 'slow-a', token: 'slow-a-token-0123456789abcdefgh' };
const B = { providerId: 'entra-b', token: 'entra-b-token-0123456789abcdefgh' };
const MEGABYTE = 1_048_000;

function postHead(providerId: string, length: number, token: string): string {
  return (
    `POST /scim/v2/enterprise-idps/${providerId}/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/scim+json\r\n` +
    `Content-Length: ${length}\r\nAuthorization: Bearer ${token}\r\n\r\n`
  );
}

describe('hundreds of slow and unauthenticated bodies', () => {
  let server: ScimTestServer;
  beforeAll(async () => {
    const defaults = loadConfig({});
    const http = { ...defaults.http, requestTimeoutMs: 3000, headersTimeoutMs: 2000 };
    server = await ScimTestServer.start({ name: 'pglite' }, [A, B], undefined, { http, rateLimits: defaults.rateLimits });
  });
  afterAll(async () => server?.close());

  it('cost no body, end by themselves within the timeouts, keep memory bounded and leave another tenant served', async () => {
    const port = Number(new URL(server.origin).port);
    await runEntraCycles({ url: server.tenantUrl(B.providerId), token: B.token }, 2, { concurrency: 1 });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, process.memoryUsage().rss);
        await delay(100);
      }
    })();
    const started = Date.now();

    const open = async (count: number, head: (i: number) => string, firstBytes: string, dribble: string) =>
      Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const connection = await RawConnection.open(port);
          connection.write(head(i));
          connection.write(firstBytes);
          void connection.dribble(dribble, 250, 200);
          return connection;
        }),
      );
    // 64 KB of each 1 MB body is on its way before the server answers.
    const chunk = `{"userName":"${'x'.repeat(65_536)}`;
    const unauthenticated = await open(300, (i) => (i % 2 ? postHead('no-such-tenant', MEGABYTE, A.token) : postHead(A.providerId, MEGABYTE, 'wrong-token-0123456789abcdef')), chunk, 'x'.repeat(1024));
    const slowBodies = await open(200, () => postHead(A.providerId, 100_000, A.token), '{"userName":"', 'x'.repeat(10));
    const slowHeaders = await open(100, () => 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n', '', 'X-Slow: y\r\n');

    const tenantB = await runEntraCycles({ url: server.tenantUrl(B.providerId), token: B.token }, 10, { concurrency: 2, requestsPerSecond: 50 });
    expect(Object.keys(tenantB.statuses).filter((status) => Number(status) >= 400)).toEqual([]);

    // Unauthenticated bodies are answered and closed at once; the others by the request and header timeouts.
    const closedWithin = (connections: RawConnection[], ms: number) => Promise.all(connections.map((c) => c.closedWithin(ms)));
    expect((await closedWithin(unauthenticated, 5000)).every(Boolean)).toBe(true);
    expect((await closedWithin([...slowBodies, ...slowHeaders], 15_000)).every(Boolean)).toBe(true);
    const elapsed = Date.now() - started;
    sampling = false;
    await sampler;

    const statuses = async (connections: RawConnection[]) => {
      const counted: Record<number, number> = {};
      for (const connection of connections) {
        const response = await connection.response(0);
        expect(response?.headers['content-type']).toMatch(/^application\/scim\+json/);
        counted[response!.status] = (counted[response!.status] ?? 0) + 1;
      }
      return counted;
    };
    expect(await statuses(unauthenticated)).toEqual({ 401: 150, 404: 150 });
    // SCIM_MAX_IN_FLIGHT_PER_IDP (16) of the authenticated slow bodies were admitted and timed out; the rest were refused.
    expect(await statuses(slowBodies)).toEqual({ 408: 16, 429: 184 });
    expect(await statuses(slowHeaders)).toEqual({ 408: 100 });
    process.stderr.write(`slow and unauthenticated bodies: all closed after ${elapsed} ms, RSS +${((peak - baseline) / 1_048_576).toFixed(0)} MB at peak\n`);
    expect(elapsed).toBeLessThan(30_000);
    expect(peak - baseline).toBeLessThan(200 * 1_048_576);
    expect((await runEntraCycles({ url: server.tenantUrl(B.providerId), token: B.token }, 2, { concurrency: 1 })).statuses).toEqual({ 200: 6, 201: 2, 204: 2 });
  }, 90_000);
});
