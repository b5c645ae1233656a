import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpAnswer, httpCall, Tenant } from './tenant-load';

/**
 * The requests of the bench beyond Entra's initial cycle (tenant-load's runEntraCycles): the
 * incremental cycle, reads by each Entra query, and read-your-writes probes. HTTP only, so any
 * revision of the service can be measured.
 */
export interface KnownUser {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string;
  readonly workEmail: string;
}

export interface Timed {
  /** Per request, in ms. */
  readonly latencies: number[];
  readonly seconds: number;
  /** Answers outside 2xx. */
  readonly failures: number;
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST_PAGE = 100;

/** Calls to one tenant over a keep-alive agent of their own, timed and counted. */
export class TenantClient {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly headers: Record<string, string>;

  constructor(private readonly tenant: Tenant) {
    this.headers = { Authorization: `Bearer ${tenant.token}`, 'Content-Type': 'application/scim+json; charset=utf-8' };
  }

  call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return httpCall(this.agent, method, `${this.tenant.url}${path}`, this.headers, body === undefined ? undefined : JSON.stringify(body));
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task(i)` for i < count with `concurrency` in flight; each task's requests go through `timed`. */
export async function inFlight(count: number, concurrency: number, task: (i: number, timed: (answer: () => Promise<HttpAnswer>) => Promise<HttpAnswer>) => Promise<void>): Promise<Timed> {
  const latencies: number[] = [];
  let failures = 0;
  const timed = async (answer: () => Promise<HttpAnswer>) => {
    const started = performance.now();
    const result = await answer();
    latencies.push(performance.now() - started);
    if (result.status < 200 || result.status >= 300) failures += 1;
    return result;
  };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++, timed);
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000, failures };
}

function toKnownUser(resource: { id: string; userName: string; externalId?: string; emails?: { type?: string; value: string }[] }): KnownUser {
  const work = resource.emails?.find((e) => e.type === 'work') ?? resource.emails?.[0];
  return { id: resource.id, userName: resource.userName, externalId: resource.externalId ?? '', workEmail: work?.value ?? '' };
}

/** Pages through the tenant's users (at most `limit`). */
export async function listUsers(client: TenantClient, limit: number): Promise<KnownUser[]> {
  const users: KnownUser[] = [];
  while (users.length < limit) {
    const page = await client.call('GET', `/Users?startIndex=${users.length + 1}&count=${Math.min(LIST_PAGE, limit - users.length)}`);
    const resources = (JSON.parse(page.text) as { Resources?: Parameters<typeof toKnownUser>[0][] }).Resources ?? [];
    if (page.status !== 200 || resources.length === 0) break;
    users.push(...resources.map(toKnownUser));
  }
  return users;
}

/** The total number of users the tenant holds. */
export async function countUsers(client: TenantClient): Promise<number> {
  return (JSON.parse((await client.call('GET', '/Users?count=0')).text) as { totalResults: number }).totalResults;
}

/** Entra's incremental cycle for changed users: GET by id, then one PATCH (display name and work email). */
export function runIncrementalCycle(client: TenantClient, users: readonly KnownUser[], concurrency: number): Promise<Timed> {
  return inFlight(users.length, concurrency, async (i, timed) => {
    const user = users[i];
    await timed(() => client.call('GET', `/Users/${user.id}`));
    await timed(() =>
      client.call('PATCH', `/Users/${user.id}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'displayName', value: `Renamed ${randomUUID()}` },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: `r.${user.userName}` },
        ],
      }),
    );
  });
}

export type ReadKind = 'by id' | 'userName eq' | 'externalId eq' | 'work email eq' | 'deep startIndex';
export const READ_KINDS: readonly ReadKind[] = ['deep startIndex', 'by id', 'userName eq', 'externalId eq', 'work email eq'];
const DEEP_PAGE = 20;

const filter = (expression: string) => `/Users?filter=${encodeURIComponent(expression)}`;
const quoted = (value: string) => JSON.stringify(value);

/**
 * `reads` requests per kind, one in flight. The deep pages (startIndex in the back half of `size`
 * users, 20 per page) come first: a random user of each page is a sample for the other kinds.
 */
export async function readLatencies(client: TenantClient, size: number, reads: number): Promise<Record<ReadKind, Timed>> {
  const sample: KnownUser[] = [];
  const paths: Record<ReadKind, (i: number) => string> = {
    'deep startIndex': () => `/Users?startIndex=${Math.max(1, Math.ceil(size / 2 + Math.random() * (size / 2 - DEEP_PAGE)))}&count=${DEEP_PAGE}`,
    'by id': (i) => `/Users/${sample[i % sample.length].id}`,
    'userName eq': (i) => filter(`userName eq ${quoted(sample[i % sample.length].userName)}`),
    'externalId eq': (i) => filter(`externalId eq ${quoted(sample[i % sample.length].externalId)}`),
    'work email eq': (i) => filter(`emails[type eq "work"].value eq ${quoted(sample[i % sample.length].workEmail)}`),
  };
  const results = {} as Record<ReadKind, Timed>;
  for (const kind of READ_KINDS) {
    results[kind] = await inFlight(reads, 1, async (i, timed) => {
      const answer = await timed(() => client.call('GET', paths[kind](i)));
      if (kind !== 'deep startIndex') return;
      const page = (JSON.parse(answer.text) as { Resources?: Parameters<typeof toKnownUser>[0][] }).Resources ?? [];
      if (page.length > 0) sample.push(toKnownUser(page[Math.floor(Math.random() * page.length)]));
    });
    if (sample.length === 0) throw new Error('deep pages returned no users to sample');
  }
  return results;
}

export interface ProbeReport {
  /** POST response → first GET by filter that finds the user, in ms (0 when the first GET does). */
  readonly visibility: number[];
  /** Probes whose first GET did not find the user. */
  readonly missedFirstRead: number;
}

/** `probes` POSTs one at a time, each followed at once by GET filter userName eq until it finds the user; `created` hears of each id and response time. */
export async function probeReadYourWrites(client: TenantClient, probes: number, created: (id: string, at: number) => void): Promise<ProbeReport> {
  const visibility: number[] = [];
  let missedFirstRead = 0;
  for (let i = 0; i < probes; i += 1) {
    const userName = `probe.${randomUUID()}@bench.example`;
    const answer = await client.call('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true });
    const respondedAt = performance.now();
    if (answer.status !== 201) throw new Error(`probe POST answered ${answer.status}: ${answer.text}`);
    created((JSON.parse(answer.text) as { id: string }).id, respondedAt);
    for (let attempt = 0; ; attempt += 1) {
      const found = (JSON.parse((await client.call('GET', filter(`userName eq ${quoted(userName)}`))).text) as { totalResults: number }).totalResults === 1;
      if (found) {
        visibility.push(attempt === 0 ? 0 : performance.now() - respondedAt);
        break;
      }
      if (attempt === 0) missedFirstRead += 1;
      if (performance.now() - respondedAt > 10_000) throw new Error(`user ${userName} not readable 10 s after its POST`);
      await sleep(5);
    }
  }
  return { visibility, missedFirstRead };
}
