import { loadConfig } from '@app/platform/config/app-config';
import { FairTurns } from './fair-turns';
import { workSlots } from './fair-turns.hook';
import { RecentCounts } from './recent-counts';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('FairTurns', () => {
  it('lets `slots` requests work at once and the others wait', async () => {
    const turns = new FairTurns(3);
    const first = await turns.take('a');
    await turns.take('b');
    await turns.take('c');
    let fourth = false;
    void turns.take('d').then(() => (fourth = true));
    await Promise.resolve();
    expect(fourth).toBe(false);
    expect(turns.queued).toBe(1);
    first();
    first();
    await Promise.resolve();
    expect(fourth).toBe(true);
    expect(turns.queued).toBe(0);
  });

  it('keeps room for other IdPs: one IdP works in at most half the slots', async () => {
    const turns = new FairTurns(4);
    await turns.take('a');
    const first = await turns.take('a');
    let second = false;
    void turns.take('a').then(() => (second = true));
    await Promise.resolve();
    expect(second).toBe(false);
    const other = await turns.take('b');
    first();
    await Promise.resolve();
    expect(second).toBe(true);
    other();
  });

  it('serves the waiting IdP granted the fewest turns lately first, so a long queue does not hold a light IdP back', async () => {
    const time = clock();
    const turns = new FairTurns(1, time.now);
    const order: string[] = [];
    for (let i = 0; i < 3; i += 1) (await turns.take('a'))();
    const release = await turns.take('a');
    const work = (key: string, name: string) => turns.take(key).then((done) => (order.push(name), done()));
    const all = Promise.all([...['a0', 'a1', 'a2'].map((n) => work('a', n)), work('b', 'b0'), work('b', 'b1'), work('c', 'c0')]);
    release();
    await all;
    // b and c had no turns: they go first, taking turns between themselves; a's queue waits behind them.
    expect(order).toEqual(['b0', 'c0', 'b1', 'a0', 'a1', 'a2']);
  });

  it('forgets turns over time: an IdP served long ago counts as light again', async () => {
    const time = clock();
    const turns = new FairTurns(1, time.now);
    for (let i = 0; i < 8; i += 1) (await turns.take('a'))();
    time.advance(1000);
    for (let i = 0; i < 5; i += 1) (await turns.take('b'))();
    time.advance(5000);
    const order: string[] = [];
    const release = await turns.take('c');
    const all = Promise.all(['b', 'a'].map((key) => turns.take(key).then((done) => (order.push(key), done()))));
    release();
    await all;
    // a's 8 turns have halved six times (0.125), b's 5 turns five times (0.16).
    expect(order).toEqual(['a', 'b']);
  });
});

describe('RecentCounts', () => {
  it('halves every half-life and keeps keys apart', () => {
    const time = clock();
    const counts = new RecentCounts(1000, time.now);
    counts.count('a');
    counts.count('a');
    counts.count('b');
    time.advance(1000);
    expect(counts.get('a')).toBeCloseTo(1);
    expect(counts.get('b')).toBeCloseTo(0.5);
    counts.count('a');
    expect(counts.get('a')).toBeCloseTo(2);
    expect(counts.get('never')).toBe(0);
  });

  it('forgets faded keys once it holds many', () => {
    const time = clock();
    const counts = new RecentCounts(1000, time.now);
    for (let i = 0; i < 10_000; i += 1) counts.count(`key-${i}`);
    time.advance(10_000);
    counts.count('fresh');
    expect(counts.size).toBe(1);
  });
});

describe('workSlots', () => {
  const defaults = loadConfig({});

  it('is one on embedded PGlite, whose worker runs one statement at a time', () => {
    expect(workSlots(defaults)).toBe(1);
  });

  it('is up to four on a PostgreSQL server, never more than its pool', () => {
    expect(workSlots({ ...defaults, databaseUrl: 'postgres://db/scim' })).toBe(4);
    expect(workSlots({ ...defaults, databaseUrl: 'postgres://db/scim', database: { ...defaults.database, poolSize: 3 } })).toBe(3);
  });

  it('is SCIM_WORK_SLOTS when set', () => {
    expect(workSlots(loadConfig({ SCIM_WORK_SLOTS: '6' }))).toBe(6);
    expect(workSlots(loadConfig({ SCIM_WORK_SLOTS: '6', DATABASE_URL: 'postgres://db/scim' }))).toBe(6);
  });
});
