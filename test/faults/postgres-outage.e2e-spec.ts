import { USER_EVENT_TYPES } from '@app/identity/user/user.events';
import { AppConfig, loadConfig } from '@app/platform/config/app-config';
import { createEmptyDatabase } from '@app/platform/database/create-database';
import { entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { readTopic, testKafkaBrokers } from '@app/testing/kafka-topic-reader';
import type { StorageTarget } from '@app/testing/postgres-target';
import { PrivatePostgres } from '@app/testing/private-postgres';
import { NO_RATE_LIMITS, ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * PostgreSQL stopped (fast and immediate), frozen, and down for 15 s under a steady SCIM load, on a
 * PostgreSQL server of this suite's own. Every answer is a 2xx or a SCIM 503 with Retry-After, in
 * bounded time; readiness says so; the service recovers by itself; no acknowledged write is lost.
 */
const PROVIDER = { providerId: 'outage-idp', token: 'outage-token-0123456789abcdef' };
const FAULT_TIMEOUT_MS = 1500;
// Generous on two shared cores: the bound is "the timeout and then some", never "as long as the fault".
const ANSWER_MARGIN_MS = 3000;
// A request still unanswered after this is a hang, recorded as such.
const HANG_MS = 20_000;
const WORKERS = 4;
const brokers = testKafkaBrokers();
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

interface Answer {
  readonly label: string;
  readonly status: number | 'hang';
  readonly ms: number;
  readonly startedAt: number;
  readonly retryAfter: string | null;
  readonly contentType: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

async function call(label: string, url: string, init: RequestInit = {}): Promise<Answer> {
  const startedAt = Date.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(HANG_MS) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // kept as text; the assertions show it
    }
    return { label, status: response.status, ms: Date.now() - startedAt, startedAt, retryAfter: response.headers.get('retry-after'), contentType: response.headers.get('content-type'), body };
  } catch {
    return { label, status: 'hang', ms: Date.now() - startedAt, startedAt, retryAfter: null, contentType: null, body: undefined };
  }
}

/** A user this load created, and the displayName values it sent, in order, with the index of the last acknowledged one. */
interface Written {
  readonly id: string;
  readonly userName: string;
  readonly sent: string[];
  acknowledged: number;
}

/** A few SCIM clients writing and reading in a loop, each request recorded, until stopped. */
class SteadyLoad {
  readonly answers: Answer[] = [];
  readonly written: Written[] = [];
  private running = true;
  private readonly workers: Promise<void>[];

  constructor(
    private readonly server: ScimTestServer,
    private readonly maxRequests = 4000,
  ) {
    this.workers = Array.from({ length: WORKERS }, () => this.work());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  private request(label: string, method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { Authorization: `Bearer ${PROVIDER.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/scim+json; charset=utf-8';
    return call(label, `${this.server.tenantUrl(PROVIDER.providerId)}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  private async work(): Promise<void> {
    const mine: Written[] = [];
    while (this.running && this.answers.length < this.maxRequests) {
      const userName = `load.${randomUUID()}@example.com`;
      const created = await this.record(this.request('POST', 'POST', '/Users', entraCreateUser(userName, randomUUID())));
      if (created.status === 201) {
        const user: Written = { id: created.body.id, userName, sent: ['Ada Lovelace'], acknowledged: 0 };
        mine.push(user);
        this.written.push(user);
      }
      const target = mine[Math.floor(Math.random() * mine.length)];
      if (target) {
        const displayName = `Ada ${randomUUID()}`;
        target.sent.push(displayName);
        const patched = await this.record(
          this.request('PATCH', 'PATCH', `/Users/${target.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: displayName }] }),
        );
        if (typeof patched.status === 'number' && patched.status >= 200 && patched.status < 300) target.acknowledged = target.sent.length - 1;
        await this.record(this.request('GET', 'GET', `/Users/${target.id}`));
      }
      const listed = await this.record(this.request('LIST', 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`));
      // Paced well under the default per-token rate limit: this load must never meet a 429. While the
      // database is down it backs off a little, as a client does on 503, so the request budget is not
      // spent on instant 503s before the recovery it must see.
      await sleep(listed.status === 503 ? 250 : 50);
    }
  }

  private async record(answer: Promise<Answer>): Promise<Answer> {
    const settled = await answer;
    this.answers.push(settled);
    return settled;
  }
}

/** Polls /health/ready in the background, recording every answer. */
class ReadinessWatch {
  readonly answers: Answer[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(server: ScimTestServer) {
    this.loop = (async () => {
      while (this.running) {
        this.answers.push(await call('ready', `${server.origin}/health/ready`));
        await sleep(200);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

function expectOnly2xxOr503(answers: readonly Answer[], timeoutMs: number): void {
  const wrong = answers.filter((a) => a.status === 'hang' || (!(a.status >= 200 && a.status < 300) && a.status !== 503));
  expect(wrong.map((a) => `${a.label} ${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
  const slow = answers.filter((a) => a.ms > timeoutMs + ANSWER_MARGIN_MS);
  expect(slow.map((a) => `${a.label} ${a.status} in ${a.ms} ms`)).toEqual([]);
  for (const unavailable of answers.filter((a) => a.status === 503)) {
    expect(unavailable.retryAfter).toMatch(/^\d+$/);
    expect(unavailable.contentType).toMatch(/^application\/scim\+json/);
    expect(unavailable.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '503' });
  }
}

/** Readiness asked after the fault began (plus a moment) and answered before it ended: all 503. */
function expectNotReadyWhileDown(ready: readonly Answer[], down: { from: number; to: number }): void {
  const during = ready.filter((a) => a.startedAt >= down.from + 300 && a.startedAt + a.ms <= down.to);
  expect(during.length).toBeGreaterThan(0);
  expect(during.filter((a) => a.status !== 503).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
}

async function waitUntilReady(server: ScimTestServer, withinMs = 20_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if ((await call('ready', `${server.origin}/health/ready`)).status === 200) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`not ready within ${withinMs} ms of the database coming back`);
}

/** Every user created with a 2xx answer is there, with its last acknowledged change or a later one sent after it. */
async function expectNoAcknowledgedWriteLost(server: ScimTestServer, written: readonly Written[]): Promise<void> {
  const headers = { Authorization: `Bearer ${PROVIDER.token}` };
  for (const user of written) {
    const read = await call('verify', `${server.tenantUrl(PROVIDER.providerId)}/Users/${user.id}`, { headers });
    expect([user.id, read.status]).toEqual([user.id, 200]);
    expect(read.body.userName).toBe(user.userName);
    // A PATCH answered 503 may still have been applied (its COMMIT's outcome was unknown), never one before the last 2xx.
    expect(user.sent.slice(user.acknowledged)).toContain(read.body.displayName);
  }
}

/** Runs the load through one fault: some time up, `fault` down, `recover`, then some time up again. */
async function throughFault(
  server: ScimTestServer,
  timeoutMs: number,
  fault: () => Promise<void>,
  downForMs: number,
  recover: () => Promise<void>,
): Promise<{ load: SteadyLoad; ready: ReadinessWatch; recoveredInMs: number }> {
  const load = new SteadyLoad(server);
  const ready = new ReadinessWatch(server);
  await sleep(1000);
  const from = Date.now();
  await fault();
  await sleep(downForMs);
  const to = Date.now();
  await recover();
  const recoveredInMs = await waitUntilReady(server);
  const readyAt = Date.now();
  // Keep the load going until a create started after readiness got through (bounded: a busy CI machine is slow).
  const createdSince = () => load.answers.some((a) => a.startedAt > readyAt && a.status === 201);
  for (let waited = 0; waited < 15_000 && !createdSince(); waited += 100) await sleep(100);
  await load.stop();
  await ready.stop();
  expectOnly2xxOr503(load.answers, timeoutMs);
  expectOnly2xxOr503(ready.answers, timeoutMs);
  expectNotReadyWhileDown(ready.answers, { from, to });
  // The load kept going after the recovery and got through.
  const afterReady = load.answers.filter((a) => a.startedAt > readyAt).map((a) => a.status);
  expect({ createdSinceReady: createdSince(), answers: load.answers.length, afterReady: afterReady.slice(0, 20) }).toMatchObject({ createdSinceReady: true });
  expect(load.answers.some((a) => a.status === 503)).toBe(true);
  return { load, ready, recoveredInMs };
}

describe('SCIM service while PostgreSQL fails', () => {
  let postgres: PrivatePostgres;
  const target: StorageTarget = { name: 'postgresql', freshDatabase: () => createEmptyDatabase(postgres.url, 'scim_outage') };
  const written: Written[] = [];

  beforeAll(async () => {
    postgres = await PrivatePostgres.create();
  });
  afterAll(async () => {
    await postgres?.destroy();
  });

  describe(`with a ${FAULT_TIMEOUT_MS} ms database timeout`, () => {
    let server: ScimTestServer;
    const topic = `scim-outage-${randomUUID()}`;
    // The load retries 503s at once, faster than any IdP: rate limits (tested elsewhere) would answer 429s.
    const overrides: Partial<AppConfig> = { database: { timeoutMs: FAULT_TIMEOUT_MS, poolSize: 5 }, rateLimits: NO_RATE_LIMITS };

    beforeAll(async () => {
      const kafka = brokers ? { brokers, topic, partitions: 3, clientId: 'scim-outage-tests', maxMessageBytes: 1_000_000 } : undefined;
      server = await ScimTestServer.start(target, [PROVIDER], kafka, overrides);
      // As main.ts does: the read model also follows the log by polling.
      server.stores.projector.start(250);
    });
    afterAll(async () => {
      await postgres.thaw();
      await server?.close();
    });

    it('pg_ctl stop -m fast, start again: 503s with Retry-After meanwhile, then recovery', async () => {
      const { load } = await throughFault(server, FAULT_TIMEOUT_MS, () => postgres.stop({ mode: 'fast' }), 3000, () => postgres.start());
      written.push(...load.written);
      await expectNoAcknowledgedWriteLost(server, load.written);
    });

    it('pg_ctl stop -m immediate (a crash), start again: the same', async () => {
      const { load } = await throughFault(server, FAULT_TIMEOUT_MS, () => postgres.stop({ mode: 'immediate' }), 3000, () => postgres.start());
      written.push(...load.written);
      await expectNoAcknowledgedWriteLost(server, load.written);
    });

    it('a frozen PostgreSQL (SIGSTOP) holds no request longer than the timeout, and all is well after SIGCONT', async () => {
      const { load } = await throughFault(server, FAULT_TIMEOUT_MS, () => postgres.freeze(), 4000, () => postgres.thaw());
      written.push(...load.written);
      await expectNoAcknowledgedWriteLost(server, load.written);
    });

    it('afterwards every acknowledged write is still there, the projector still polls, and the Kafka relay published them all', async () => {
      expect(written.length).toBeGreaterThan(0);
      await expectNoAcknowledgedWriteLost(server, written);
      const live = await call('live', `${server.origin}/health/live`);
      expect(live.status).toBe(200);
      // Operators saw the outage and the recovery in the JSON log, without any user's values.
      const logged = server.logLines.map((line) => JSON.parse(line) as { msg: string });
      expect(logged.map((line) => line.msg)).toEqual(expect.arrayContaining(['the database is unreachable; failing fast until it answers again', 'the database answers again']));
      expect(server.logLines.filter((line) => written.some((user) => line.includes(user.userName)))).toEqual([]);

      const catchUps = jest.spyOn(server.stores.projector, 'catchUp');
      await sleep(1000);
      expect(catchUps.mock.calls.length).toBeGreaterThanOrEqual(2);
      await expect(catchUps.mock.results[catchUps.mock.results.length - 1].value).resolves.toEqual(expect.any(Number));
      catchUps.mockRestore();

      if (!brokers) return;
      const userTypes = new Set<string>(USER_EVENT_TYPES);
      const userEvents = new Set((await server.stores.events.readAll(0, 100_000)).filter((e) => userTypes.has(e.type)).map((e) => e.id));
      const acknowledged = new Set(written.map((w) => w.id));
      const messages = await readTopic(brokers, topic, (read) => [...userEvents].every((id) => read.some((m) => m.headers.ce_id === id)), 40_000);
      const published = new Set(messages.map((m) => m.headers.ce_id));
      expect([...userEvents].filter((id) => !published.has(id))).toEqual([]);
      expect([...acknowledged].filter((id) => !messages.some((m) => m.value.userId === id))).toEqual([]);
    });
  });

  it('down for 15 s with the default database settings: 503s within the default timeout, full recovery, nothing acknowledged lost', async () => {
    const defaults = loadConfig({}).database;
    const server = await ScimTestServer.start(target, [PROVIDER], undefined, { rateLimits: NO_RATE_LIMITS });
    try {
      const { load } = await throughFault(server, defaults.timeoutMs, () => postgres.stop({ mode: 'fast' }), 15_000, () => postgres.start());
      await expectNoAcknowledgedWriteLost(server, load.written);
    } finally {
      await server.close();
    }
  });
});
