import { migrate } from '@app/platform/database/migrations';
import { PgDatabase } from '@app/platform/database/pg-database';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { SqlDatabase, SqlExecutor } from '@app/platform/database/sql-database';
import { storageTargets } from '@app/testing/postgres-target';
import { JOURNAL_MIGRATIONS } from './journal.migrations';
import { encodeCursor } from './journal-cursor';
import type { JournalEntry } from './journal-entry';
import { identifierKeys } from './journal-keys';
import { JournalQuery, JournalStore, MAX_SCANNED } from './journal-store';

const ENTRIES = 10_000;
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-12-02T08:00:00.000Z');

function entry(n: number, overrides: Partial<JournalEntry> = {}): JournalEntry {
  return {
    at: new Date(NOW - (n % 40) * DAY - n * 1000),
    requestId: `req-${n}`,
    providerId: `idp-${n % 5}`,
    tokenId: 'token-1',
    clientAddress: '127.0.0.1',
    method: 'PATCH',
    path: `/scim/v2/enterprise-idps/idp-${n % 5}/Users/user-${n}`,
    status: n % 7 === 0 ? 409 : 200,
    scimType: n % 7 === 0 ? 'uniqueness' : null,
    detail: n % 7 === 0 ? 'taken' : null,
    durationMs: 3,
    identifiers: { userIds: [`user-${n}`], userNames: [`u${n}@contoso.example`], emails: [`u${n}@contoso.example`], externalIds: [`X-${n}`] },
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'title', value: `t${n}` }] }),
    bodyTruncated: false,
    ...overrides,
  };
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}
const indexesOf = (plan: PlanNode): string[] => [...(plan['Index Name'] ? [plan['Index Name']] : []), ...(plan.Plans ?? []).flatMap(indexesOf)];
const seqScans = (plan: PlanNode): number => (plan['Node Type'] === 'Seq Scan' ? 1 : 0) + (plan.Plans ?? []).reduce((n, p) => n + seqScans(p), 0);

/** Keeps the statements the store runs, so the plans checked are those of its real SQL. */
class Recording implements SqlExecutor {
  statements: { sql: string; params: readonly unknown[] }[] = [];
  constructor(private readonly db: SqlExecutor) {}
  query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.statements.push({ sql, params });
    return this.db.query<Row>(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.db.exec(sql);
  }
}

const targets = storageTargets().filter((t) => t.name !== 'esdb-test-double');

describe.each(targets.map((t) => [t.name, t] as const))('the request journal store on %s', (_name, target) => {
  let db: SqlDatabase;
  let store: JournalStore;
  let recording: Recording;

  beforeAll(async () => {
    db = target.freshDatabase ? await PgDatabase.connect(await target.freshDatabase()) : await PgliteDatabase.open();
    await migrate(db, JOURNAL_MIGRATIONS);
    recording = new Recording(db);
    store = new JournalStore(recording);
    for (let first = 0; first < ENTRIES; first += 500) await store.append(Array.from({ length: 500 }, (_, i) => entry(first + i)));
    // As each runs: autovacuum analyzes a PostgreSQL server's tables; PGlite (single-user) never does.
    if (target.freshDatabase) await db.exec('ANALYZE request_journal');
  });
  afterAll(() => db?.close());

  const records = async (query: JournalQuery) => (await store.search(query)).records;

  /** The plan of each statement `run` sends. */
  async function plans(run: () => Promise<unknown>): Promise<PlanNode[]> {
    recording.statements = [];
    await run();
    const plans: PlanNode[] = [];
    for (const { sql, params } of recording.statements) {
      const [row] = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      const json = row['QUERY PLAN'];
      plans.push((typeof json === 'string' ? JSON.parse(json) : json)[0].Plan);
    }
    return plans;
  }

  it('reads back what a batch wrote, odd text included', async () => {
    const odd = entry(ENTRIES + 1, { requestId: 'odd-1', detail: 'a "quoted" détail ✓', body: '{"k":"\\u0000 \\ud800"}', bodyTruncated: true, providerId: null, tokenId: null });
    await store.append([odd]);
    const [found] = await records({ keys: ['req:odd-1'], limit: 10 });
    expect(found).toMatchObject({ ...odd, seq: expect.any(Number) });
    expect(await store.findByRequestId('odd-1')).toEqual(found);
    expect(await store.findByRequestId('no-such-request')).toBeUndefined();
  });

  it('finds by each kind of identifier, mails and userNames in any case, narrowed by IdP, time and status', async () => {
    const n = 1234;
    for (const keys of [
      identifierKeys({ emails: [`U${n}@Contoso.Example`] }),
      identifierKeys({ userNames: [`U${n}@CONTOSO.example`] }),
      identifierKeys({ externalIds: [`X-${n}`] }),
      identifierKeys({ userIds: [`user-${n}`] }),
    ]) {
      expect((await records({ keys, limit: 10 })).map((e) => e.requestId)).toEqual([`req-${n}`]);
    }
    expect(await records({ keys: identifierKeys({ externalIds: [`x-${n}`] }), limit: 10 })).toEqual([]);
    const keys = identifierKeys({ userIds: [`user-${n}`] });
    const at = entry(n).at;
    expect(await records({ keys, providerId: `idp-${(n + 1) % 5}`, limit: 10 })).toEqual([]);
    expect(await records({ keys, from: new Date(at.getTime() + 1), limit: 10 })).toEqual([]);
    expect(await records({ keys, to: new Date(at.getTime() - 1), limit: 10 })).toHaveLength(0);
    expect(await records({ keys, from: at, to: at, limit: 10 })).toHaveLength(1);
    expect(await records({ keys, status: { min: 400, max: 499 }, limit: 10 })).toEqual([]);
    expect(await records({ keys, status: { min: 200, max: 299 }, limit: 10 })).toHaveLength(1);
  });

  it('pages in time order with a cursor, nothing missed or repeated, ties broken by insertion', async () => {
    const tied = new Date(NOW + DAY);
    await store.append(Array.from({ length: 7 }, (_, i) => entry(ENTRIES + 100 + i, { at: tied, providerId: 'idp-tied' })));
    const seen: string[] = [];
    let after;
    for (;;) {
      const page = await records({ providerId: 'idp-tied', limit: 3, after });
      seen.push(...page.map((e) => e.requestId));
      if (page.length < 3) break;
      after = page[page.length - 1];
    }
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `req-${ENTRIES + 100 + i}`));
    expect(encodeCursor({ at: tied, seq: 1 })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('reads a bounded stretch per page for a status class without identifiers, and goes on from where it stopped', async () => {
    const late = new Date(NOW + 2 * DAY);
    await store.append([entry(ENTRIES + 300, { at: late, status: 503, providerId: 'idp-1' }), entry(ENTRIES + 301, { at: late, status: 502, providerId: 'idp-2' })]);
    const [{ total }] = await db.query<{ total: number }>('SELECT count(*)::int AS total FROM request_journal');
    expect(total).toBeGreaterThan(MAX_SCANNED);
    const first = await store.search({ status: { min: 500, max: 599 }, limit: 10 });
    expect(first.records).toEqual([]);
    expect(first.scannedTo).toBeDefined();
    const next = await store.search({ status: { min: 500, max: 599 }, limit: 10, after: first.scannedTo });
    expect(next.records.map((e) => e.requestId)).toEqual([`req-${ENTRIES + 300}`, `req-${ENTRIES + 301}`]);
    expect(next.scannedTo).toBeUndefined();
    // With identifiers the GIN index bounds the search: no stretch, no stop.
    expect(await store.search({ keys: ['req:req-10300'], status: { min: 500, max: 599 }, limit: 10 })).toEqual({ records: [expect.objectContaining({ status: 503 })], scannedTo: undefined });
  });

  it('follows values to the user ids requests carried with them', async () => {
    await store.append([entry(ENTRIES + 200, { identifiers: { userIds: ['created-1'], userNames: ['grace'], emails: ['grace@contoso.example'], externalIds: [] } })]);
    expect(await store.userIdsCarriedWith(identifierKeys({ emails: ['Grace@contoso.example'] }))).toEqual(['created-1']);
    expect(await store.userIdsCarriedWith(identifierKeys({ emails: ['grace@contoso.example'] }), 'idp-other')).toEqual([]);
  });

  it('answers every search kind, the lookup by request id and pruning through an index', async () => {
    const window = { from: new Date(NOW - 2 * DAY), to: new Date(NOW - DAY) };
    const expectations: [string, () => Promise<unknown>, string][] = [
      ['mail', () => records({ keys: identifierKeys({ emails: ['u77@contoso.example'], userIds: ['user-78'] }), limit: 101 }), 'request_journal_identifiers'],
      // A day holds few entries: its time index is as good a way in as the identifiers'.
      ['mail in a day', () => records({ keys: identifierKeys({ emails: ['u77@contoso.example'] }), ...window, limit: 101 }), 'request_journal_identifiers|request_journal_at'],
      ['external id and status', () => records({ keys: identifierKeys({ externalIds: ['X-77'] }), status: { min: 400, max: 499 }, limit: 101 }), 'request_journal_identifiers'],
      ['IdP and time', () => records({ providerId: 'idp-3', ...window, limit: 101 }), 'request_journal_provider_at'],
      ['IdP, next page', () => records({ providerId: 'idp-3', after: { at: window.from, seq: 5 }, limit: 101 }), 'request_journal_provider_at'],
      ['time only', () => records({ ...window, limit: 101 }), 'request_journal_at'],
      ['a status class in a window (where the scan stops, then the page)', () => records({ ...window, status: { min: 500, max: 599 }, limit: 101 }), 'request_journal_at'],
      ['a status class of an IdP', () => records({ providerId: 'idp-2', status: { min: 400, max: 499 }, limit: 101 }), 'request_journal_provider_at'],
      ['request id', () => store.findByRequestId('req-77'), 'request_journal_identifiers'],
      ['ids carried with a mail', () => store.userIdsCarriedWith(identifierKeys({ emails: ['u77@contoso.example'] })), 'request_journal_identifiers'],
      ['pruning', () => store.pruneBefore(new Date(NOW - 60 * DAY), 1000), 'request_journal_at'],
    ];
    for (const [kind, run, accepted] of expectations) {
      for (const top of await plans(run)) {
        const indexes = indexesOf(top);
        expect({ kind, indexes, seqScans: seqScans(top) }).toEqual({ kind, indexes: expect.arrayContaining([indexes.find((i) => accepted.split('|').includes(i)) ?? accepted]), seqScans: 0 });
      }
    }
  });

  it('prunes entries older than the cut-off in batches, replicas at once deleting each row once', async () => {
    const before = new Date(NOW - 30 * DAY);
    const [{ old }] = await db.query<{ old: number }>('SELECT count(*)::int AS old FROM request_journal WHERE at < $1', [before.toISOString()]);
    const [{ all }] = await db.query<{ all: number }>('SELECT count(*)::int AS all FROM request_journal');
    expect(old).toBeGreaterThan(1000);
    let deleted = 0;
    for (;;) {
      // Two pruners at once, as two API replicas on one PostgreSQL (PGlite serialises them).
      const counts = await Promise.all([store.pruneBefore(before, 200), store.pruneBefore(before, 200)]);
      deleted += counts[0] + counts[1];
      if (counts[0] + counts[1] === 0) break;
    }
    expect(deleted).toBe(old);
    const [{ left, oldest }] = await db.query<{ left: number; oldest: Date }>('SELECT count(*)::int AS left, min(at) AS oldest FROM request_journal');
    expect(left).toBe(all - old);
    expect(new Date(oldest).getTime()).toBeGreaterThanOrEqual(before.getTime());
  });
});
