import { temporaryDirectories } from '@app/testing/temporary-directories';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { runEntraCycles } from '../../bench/tenant-load';
import { isBuilt, randomPort, runCli, runService, RunningService } from '../built-service';
import { RawConnection } from '../raw-http';

if (!isBuilt) process.stdout.write('Slow and unauthenticated body tests skipped: no build (npm run build, which npm run test:all does first).\n');

const A = { providerId: 'slow-a', token: `slow-a-${randomUUID()}` };
const B = { providerId: 'entra-b' };
const MEGABYTE = 1_048_000;
const temporaryDirectory = temporaryDirectories();

function postHead(providerId: string, length: number, token: string): string {
  return (
    `POST /scim/v2/enterprise-idps/${providerId}/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/scim+json\r\n` +
    `Content-Length: ${length}\r\nAuthorization: Bearer ${token}\r\n\r\n`
  );
}

/** The resident memory of another process, from /proc (the server's own, without this test's client and its 600 sockets); 0 once it has exited. */
const residentBytes = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

// The built service in its own process, so what is measured is the server's memory, not the test's.
(isBuilt ? describe : describe.skip)('hundreds of slow and unauthenticated bodies', () => {
  let service: RunningService;
  const port = randomPort();
  const origin = `http://127.0.0.1:${port}`;
  const tenantUrl = (providerId: string) => `${origin}/scim/v2/enterprise-idps/${providerId}`;
  let tenantB: { url: string; token: string };
  beforeAll(async () => {
    const adminToken = `admin-${randomUUID()}`;
    const env = {
      PORT: port,
      DATA_DIR: temporaryDirectory('scim-slow-bodies-'),
      ADMIN_TOKEN: adminToken,
      SCIM_BOOTSTRAP_PROVIDER_ID: A.providerId,
      SCIM_BOOTSTRAP_TOKEN: A.token,
      HTTP_REQUEST_TIMEOUT_MS: '3000',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
    };
    service = await runService(env, /SCIM ingress listening/);
    const admin = async (...args: string[]) => JSON.parse((await runCli({ ADMIN_URL: origin, ADMIN_TOKEN: adminToken }, ...args, '--json')).stdout);
    await admin('idp', 'create', '--name', 'Entra B', '--id', B.providerId);
    await admin('idp', 'enable-scim', B.providerId);
    tenantB = { url: tenantUrl(B.providerId), token: (await admin('token', 'issue', B.providerId)).token };
  }, 90_000);
  afterAll(async () => service?.stop('SIGKILL'));

  it('cost no body, end by themselves within the timeouts, keep memory bounded and leave another tenant served', async () => {
    await runEntraCycles(tenantB, 2, { concurrency: 1 });
    const baseline = residentBytes(service.pid);
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, residentBytes(service.pid));
        await delay(100);
      }
    })();
    const started = Date.now();

    const open = async (count: number, head: (i: number) => string, firstBytes: string, dribble: string) =>
      Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const connection = await RawConnection.open(Number(port));
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

    const cyclesOfB = await runEntraCycles(tenantB, 10, { concurrency: 2, requestsPerSecond: 50 });
    expect(Object.keys(cyclesOfB.statuses).filter((status) => Number(status) >= 400)).toEqual([]);

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
    process.stderr.write(`slow and unauthenticated bodies: all closed after ${elapsed} ms, server RSS +${((peak - baseline) / 1_048_576).toFixed(0)} MB at peak\n`);
    expect(elapsed).toBeLessThan(30_000);
    expect(peak - baseline).toBeLessThan(200 * 1_048_576);
    expect((await runEntraCycles(tenantB, 2, { concurrency: 1 })).statuses).toEqual({ 200: 6, 201: 2, 204: 2 });
  }, 90_000);
});
