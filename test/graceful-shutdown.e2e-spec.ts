import { readTopic, testKafkaBrokers } from '@app/testing/kafka-topic-reader';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isBuilt, randomPort, runService, RunningService, until } from './built-service';

if (!isBuilt) process.stdout.write('Graceful shutdown tests skipped: no build (npm run build, which npm run test:all does first).\n');

const LISTENING = /SCIM ingress listening/;
const CLIENTS = 8;

/** What one SCIM client saw while the service stopped under it. */
interface Outcome {
  readonly created: { id: string; userName: string }[];
  readonly statuses: number[];
  /** Requests that got no answer: refused or cut connections, which a client retries. */
  readonly unanswered: number;
}

/** POSTs users one after another on a kept-alive connection until the server stops taking connections. */
async function provisionUntilRefused(tenant: string, token: string, client: number): Promise<Outcome> {
  const outcome: Outcome = { created: [], statuses: [], unanswered: 0 };
  let refusedInARow = 0;
  for (let n = 0; refusedInARow < 3 && n < 5000; n++) {
    const userName = `c${client}-${n}-${randomUUID().slice(0, 8)}@contoso.example`;
    try {
      const response = await fetch(`${tenant}/Users`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await response.json()) as { id?: string };
      outcome.statuses.push(response.status);
      if (response.status === 201) outcome.created.push({ id: body.id!, userName });
      refusedInARow = 0;
    } catch {
      (outcome as { unanswered: number }).unanswered++;
      refusedInARow++;
      await delay(50);
    }
  }
  return outcome;
}

/** A raw connection to the service that has sent `lines` (nothing, part of a request, or a whole one); `closed` resolves when the server closes it. */
async function openConnection(port: string, lines: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  if (lines) socket.write(lines);
  return { socket, received: () => received, closed };
}

(isBuilt ? describe : describe.skip)('SIGTERM (graceful shutdown of the built service)', () => {
  const running: RunningService[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('under load: in-flight requests finish, no 5xx, the process exits, and every acknowledged write is there after a restart (and on Kafka)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-sigterm-'));
    dirs.push(dataDir);
    const port = randomPort();
    const token = `sigterm-${randomUUID()}`;
    const brokers = testKafkaBrokers();
    const topic = `sigterm-${randomUUID()}`;
    const env = {
      PORT: port,
      DATA_DIR: dataDir,
      SCIM_BOOTSTRAP_PROVIDER_ID: 'acme',
      SCIM_BOOTSTRAP_TOKEN: token,
      ADMIN_TOKEN: `admin-${randomUUID()}`,
      // Capacity, not rate limits, is what this drives.
      RATE_LIMIT_PER_TOKEN: '0',
      RATE_LIMIT_PER_IDP: '0',
      ...(brokers ? { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC: topic, KAFKA_TOPIC_PARTITIONS: '1' } : {}),
    };
    const tenant = `http://127.0.0.1:${port}/scim/v2/enterprise-idps/acme`;
    const service = await runService(env, LISTENING);
    running.push(service);
    expect(service.output).toMatch(LISTENING);

    const load = Promise.all(Array.from({ length: CLIENTS }, (_, client) => provisionUntilRefused(tenant, token, client)));
    await delay(1500);
    const signalledAt = Date.now();
    process.kill(-service.pid, 'SIGTERM');
    const outcomes = await load;
    // A second SIGTERM while it stops (as an impatient supervisor sends) must not cut the shutdown short.
    const stopped = await Promise.race([service.stop('SIGTERM').then(() => true), delay(15_000).then(() => false)]);

    const statuses = outcomes.flatMap((o) => o.statuses);
    const created = outcomes.flatMap((o) => o.created);
    expect(stopped).toBe(true);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    expect(created.length).toBeGreaterThan(20);
    expect(service.output).toMatch(/"msg":"stopped"/);
    expect(service.exitCode).toBe(0);

    if (brokers) {
      // The relay was flushed before the stores closed: every acknowledged user is on the topic before any restart.
      const ids = new Set(created.map((u) => u.id));
      const messages = await readTopic(brokers, topic, (read) => [...ids].every((id) => read.some((m) => m.value?.userId === id)), 20_000);
      const published = new Set(messages.map((m) => m.value?.userId));
      expect([...ids].filter((id) => !published.has(id))).toEqual([]);
    }

    const restarted = await runService({ ...env, KAFKA_BROKERS: '' }, LISTENING);
    running.push(restarted);
    const missing: string[] = [];
    for (const user of created) {
      const response = await fetch(`${tenant}/Users/${user.id}`, { headers: { Authorization: `Bearer ${token}` } });
      if (response.status !== 200) missing.push(`${user.userName}: ${response.status}`);
    }
    expect(missing).toEqual([]);
  });

  it('closes at once the connections without a request in progress (silent, half its headers, idle between requests) and one whose body is still coming; exits 0 promptly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-sigterm-'));
    dirs.push(dataDir);
    const port = randomPort();
    const token = `sigterm-${randomUUID()}`;
    const service = await runService(
      { PORT: port, DATA_DIR: dataDir, ADMIN_TOKEN: `admin-${randomUUID()}`, KAFKA_BROKERS: '', SCIM_BOOTSTRAP_PROVIDER_ID: 'acme', SCIM_BOOTSTRAP_TOKEN: token },
      LISTENING,
    );
    running.push(service);
    const silent = await openConnection(port, '');
    const halfHeaders = await openConnection(port, 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const served = await openConnection(port, 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await until(async () => served.received().includes('\r\n\r\n'), 5_000);
    expect(served.received()).toMatch(/^HTTP\/1.1 200/);
    // Admitted (a good token), its body a tenth sent: Node stops enforcing the request timeout once the server closes.
    const uploading = await openConnection(
      port,
      `POST /scim/v2/enterprise-idps/acme/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/scim+json\r\nContent-Length: 200\r\n\r\n{"schemas":`,
    );
    await delay(300);

    const signalledAt = Date.now();
    // Before this change a silent connection held the stop until its idle timeout, past SHUTDOWN_TIMEOUT_MS (exit 1).
    await service.stop('SIGTERM');
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(service.exitCode).toBe(0);
    expect(service.output).toMatch(/"msg":"stopped"/);
    await Promise.all([silent.closed, halfHeaders.closed, served.closed, uploading.closed]);
    expect(uploading.received()).toBe('');
  });

  it('lets an answer still being sent at the stop finish for half of SHUTDOWN_TIMEOUT_MS, then closes what is left and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-sigterm-'));
    dirs.push(dataDir);
    const port = randomPort();
    const token = `sigterm-${randomUUID()}`;
    const adminToken = `admin-${randomUUID()}`;
    const adminPort = randomPort();
    // Pages of 11 MB, far more than the sockets' buffers take; the users' bodies come faster than the IdP's body-bytes rate allows.
    const service = await runService(
      {
        PORT: port,
        DATA_DIR: dataDir,
        KAFKA_BROKERS: '',
        ADMIN_TOKEN: adminToken,
        ADMIN_PORT: adminPort,
        SCIM_BOOTSTRAP_PROVIDER_ID: 'acme',
        SCIM_BOOTSTRAP_TOKEN: token,
        SHUTDOWN_TIMEOUT_MS: '8000',
        SCIM_MAX_RESPONSE_BYTES: String(16 << 20),
        RATE_LIMIT_BODY_BYTES_PER_IDP: '0',
      },
      LISTENING,
    );
    running.push(service);
    const addresses = Array.from({ length: 27 }, (_, i) => ({ type: 'work', streetAddress: `${i} ${'x'.repeat(2000)}` }));
    const users = Array.from({ length: 200 }, (_, i) => `reader-${i}@contoso.example`);
    for (let i = 0; i < users.length; i += 4) {
      const created = users.slice(i, i + 4).map((userName) =>
        fetch(`http://127.0.0.1:${port}/scim/v2/enterprise-idps/acme/Users`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
          body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, addresses }),
        }),
      );
      expect((await Promise.all(created)).map((response) => response.status)).toEqual(created.map(() => 201));
    }
    // Clients that read nothing for now, as on a slow link: one reads its page a second after the signal; one never reads
    // its page, one never reads the audit export on the admin listener (an answer still being written: it held the stop to
    // SHUTDOWN_TIMEOUT_MS, exit 1; and the admin listener drained only after the SCIM one, past SHUTDOWN_TIMEOUT_MS).
    const page = `GET /scim/v2/enterprise-idps/acme/Users?count=200 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`;
    const exported = `GET /admin/v1/audit/export HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${adminToken}\r\n\r\n`;
    const [late, never, exporting] = await Promise.all([openConnection(port, ''), openConnection(port, ''), openConnection(adminPort, '')]);
    for (const [reader, request] of [[late, page], [never, page], [exporting, exported]] as const) {
      reader.socket.pause();
      reader.socket.write(request);
    }
    await delay(1_500);

    const signalledAt = Date.now();
    const stopped = service.stop('SIGTERM');
    await delay(1_000);
    late.socket.resume();
    await stopped;
    const stoppedAfter = Date.now() - signalledAt;
    // Before this change Node cut both answers at once (the late reader got 4 of 11 MB).
    const [head, body] = [late.received().slice(0, late.received().indexOf('\r\n\r\n')), late.received().slice(late.received().indexOf('\r\n\r\n') + 4)];
    expect(head).toMatch(/^HTTP\/1.1 200/);
    expect(Buffer.byteLength(body)).toBe(Number(/content-length: (\d+)/i.exec(head)?.[1]));
    expect((JSON.parse(body) as { Resources: unknown[] }).Resources).toHaveLength(200);
    expect(service.exitCode).toBe(0);
    expect(stoppedAfter).toBeGreaterThanOrEqual(3_500);
    expect(stoppedAfter).toBeLessThan(8_000);
    // One on each listener, both at the same drain time.
    expect(service.output.match(/"connections":1,"drainMs":4000,"msg":"closed connections whose requests were still in progress at the stop"/g)).toHaveLength(2);
    // The cut page's entry too: its request ended after the server's close, when the journal used to be closed already.
    expect(service.output).not.toMatch(/request journal dropped entries/);
    expect(service.output).toMatch(/"msg":"stopped"/);
  });
});
