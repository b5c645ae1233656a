import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

/**
 * The two sides of the noisy-neighbour scenario, shared by bench/noisy-neighbour.bench.ts and
 * test/faults/noisy-neighbour.e2e-spec.ts: a tenant's normal Entra provisioning cycle, and a
 * hostile client on another tenant.
 */
export interface Tenant {
  /** `<origin>/scim/v2/enterprise-idps/<providerId>` */
  readonly url: string;
  readonly token: string;
}

export interface CycleReport {
  /** Per request, in ms. */
  readonly latencies: number[];
  /** Per user cycle (match, create, update, disable, delete), in ms. */
  readonly cycles: number[];
  /** Responses by status. */
  readonly statuses: Record<number, number>;
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM = 'application/scim+json; charset=utf-8';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * One request over `agent`'s connections. Each side of the scenario has its own agent, so a
 * connection the server closes on one side is never reused by the other.
 */
export function httpCall(agent: Agent | false, method: string, url: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export interface CycleOptions {
  /** Users in flight at once. */
  readonly concurrency: number;
  /** Requests started per second at most (Entra sends at least 25); unpaced when absent. */
  readonly requestsPerSecond?: number;
  /** Match and create only, leaving the users in place. */
  readonly keepUsers?: boolean;
}

/**
 * Entra's cycle for `users` users, as its provisioning engine runs it: match by userName, create,
 * update attributes, disable, delete.
 */
export async function runEntraCycles(tenant: Tenant, users: number, options: CycleOptions): Promise<CycleReport> {
  const { concurrency, requestsPerSecond, keepUsers = false } = options;
  const report: CycleReport = { latencies: [], cycles: [], statuses: {} };
  const agent = new Agent({ keepAlive: true });
  const headers = { Authorization: `Bearer ${tenant.token}`, 'Content-Type': SCIM };
  const begun = performance.now();
  let calls = 0;
  const call = async (method: string, path: string, body?: unknown): Promise<HttpAnswer> => {
    // Each request waits for its slot in the pace: the n-th starts no earlier than n / rate seconds in.
    if (requestsPerSecond) await sleep(begun + (calls++ * 1000) / requestsPerSecond - performance.now());
    const started = performance.now();
    const answer = await httpCall(agent, method, `${tenant.url}${path}`, headers, body === undefined ? undefined : JSON.stringify(body));
    report.latencies.push(performance.now() - started);
    report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
    return answer;
  };
  let next = 0;
  try {
    await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < users) {
        next += 1;
        const started = performance.now();
        const userName = `b.${randomUUID()}@tenant-b.example`;
        await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
        const created = await call('POST', '/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          externalId: randomUUID(),
          active: true,
          displayName: 'Tenant B',
          emails: [{ primary: true, type: 'work', value: userName }],
          name: { givenName: 'Tenant', familyName: 'B' },
        });
        const id = created.status === 201 ? (JSON.parse(created.text) as { id: string }).id : undefined;
        if (id && !keepUsers) {
          await call('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Tenant B renamed' }, { op: 'Replace', path: 'emails[type eq "work"].value', value: `r.${userName}` }] });
          await call('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
          await call('DELETE', `/Users/${id}`);
        }
        report.cycles.push(performance.now() - started);
      }
    }),
    );
  } finally {
    agent.destroy();
  }
  return report;
}

/** A filter as large as the default limits allow (1,024 characters, 50 nodes): substring matches the index cannot serve. */
export const LARGE_FILTER = Array.from({ length: 24 }, (_, i) => `userName co "x${i}q"`).join(' or ');

/** SCIM_BODY_LIMIT_BYTES's default (this file also runs in a worker thread, without the app's path aliases). */
const DEFAULT_BODY_LIMIT_BYTES = 262_144;

/** A body just under the default body limit (SCIM_BODY_LIMIT_BYTES) whose resource breaks the resource size limit. */
const BIG_BODY = ((): string => {
  const resource = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'big@tenant-a.example',
    addresses: Array.from({ length: 100 }, (_, i) => ({ type: `t${i}`, formatted: 'x'.repeat(500), streetAddress: 'y'.repeat(500), locality: 'z'.repeat(500) })),
    nickName: '',
  };
  const padding = DEFAULT_BODY_LIMIT_BYTES - JSON.stringify(resource).length - 1024;
  return JSON.stringify({ ...resource, nickName: ' '.repeat(Math.max(0, padding)) });
})();

/** A small new user, as Entra creates them: what a client writing as fast as its limits allow sends. */
const newUser = (): string => {
  const userName = `w.${randomUUID()}@tenant-a.example`;
  return JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId: randomUUID(), active: true, displayName: 'Tenant A', emails: [{ primary: true, type: 'work', value: userName }] });
};

/** The hostile client's kinds of request (bench:noisy's BENCH_HOSTILE_KINDS picks some, to see what each costs the other tenant). */
export const HOSTILE_KINDS = ['filter', 'search', 'big-body', 'bad-token', 'unknown-tenant', 'burst', 'write'] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

export interface HostileReport {
  /** Answers by status (or `closed`) over all kinds. */
  readonly statuses: Record<string, number>;
  /** The same, per kind. */
  readonly byKind: Partial<Record<HostileKind, Record<string, number>>>;
}

/**
 * A client that tries to starve other tenants through its own tenant, until `stop()`: `concurrency`
 * loops each of large filters (GET and .search), big bodies, 1 MB bodies with a wrong token and for
 * an unknown tenant, and `4 × concurrency` loops each of cheap requests and of new users (bursts beyond the rate limits);
 * `kinds` picks some of them (all by default).
 */
export async function runHostileClient(
  tenant: Tenant,
  concurrency: number,
  stop: () => boolean,
  kinds: readonly HostileKind[] = HOSTILE_KINDS,
): Promise<HostileReport> {
  const report: HostileReport = { statuses: {}, byKind: {} };
  const count = (kind: HostileKind, key: string | number) => {
    const ofKind = (report.byKind[kind] ??= {});
    ofKind[key] = (ofKind[key] ?? 0) + 1;
    report.statuses[key] = (report.statuses[key] ?? 0) + 1;
  };
  const auth = { Authorization: `Bearer ${tenant.token}`, 'Content-Type': SCIM };
  const agent = new Agent({ keepAlive: true });
  const attempt = async (kind: HostileKind, method: string, url: string, headers: Record<string, string>, body?: string) => {
    try {
      count(kind, (await httpCall(agent, method, url, headers, body)).status);
    } catch {
      // The server closes the connection of a refused body it will not read.
      count(kind, 'closed');
    }
  };
  const search = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: LARGE_FILTER, count: 200 });
  // Heavy requests `concurrency` at a time each, and cheap ones in bursts four times as wide.
  const loops: Record<HostileKind, [number, () => Promise<void>]> = {
    filter: [concurrency, () => attempt('filter', 'GET', `${tenant.url}/Users?filter=${encodeURIComponent(LARGE_FILTER)}&count=200`, auth)],
    search: [concurrency, () => attempt('search', 'POST', `${tenant.url}/Users/.search`, auth, search)],
    'big-body': [concurrency, () => attempt('big-body', 'POST', `${tenant.url}/Users`, auth, BIG_BODY)],
    'bad-token': [concurrency, () => attempt('bad-token', 'POST', `${tenant.url}/Users`, { ...auth, Authorization: 'Bearer not-a-token-0123456789abcdef' }, BIG_BODY)],
    'unknown-tenant': [concurrency, () => attempt('unknown-tenant', 'POST', `${tenant.url.replace(/[^/]+$/, 'no-such-tenant')}/Users`, auth, BIG_BODY)],
    burst: [4 * concurrency, () => attempt('burst', 'GET', `${tenant.url}/ServiceProviderConfig`, auth)],
    write: [4 * concurrency, () => attempt('write', 'POST', `${tenant.url}/Users`, auth, newUser())],
  };
  try {
    await Promise.all(
      kinds.flatMap((kind) =>
        Array.from({ length: loops[kind][0] }, async () => {
          while (!stop()) await loops[kind][1]();
        }),
      ),
    );
  } finally {
    agent.destroy();
  }
  return report;
}

/** Starts hostile-client.worker (compiled, at `workerScript`) against `tenant` with `kinds`; `stop()` ends it and returns its report. */
export function startHostileWorker(
  workerScript: string,
  tenant: Tenant,
  concurrency: number,
  kinds: readonly HostileKind[] = HOSTILE_KINDS,
): { stop(): Promise<HostileReport> } {
  const worker = new Worker(workerScript, { workerData: { tenant, concurrency, kinds } });
  const report = new Promise<HostileReport>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      try {
        return await report;
      } finally {
        await worker.terminate();
      }
    },
  };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}
