import { loadConfig } from '@app/platform/config/app-config';
import { FairTurns, LIGHT_WORK_MS, SEARCH_MAX_YIELD_MS } from './fair-turns';
import { workSlots } from './fair-turns.hook';

describe('FairTurns', () => {
  describe('othersIdle (a batched search\'s pause)', () => {
    afterEach(() => jest.useRealTimers());

    it('resolves at once when no other IdP is at work, its own requests notwithstanding', async () => {
      const turns = new FairTurns(4);
      await turns.take('a');
      await expect(turns.othersIdle('a', 1000)).resolves.toBeUndefined();
    });

    it('waits until the other IdPs\' requests at work are done', async () => {
      const turns = new FairTurns(4);
      const b1 = await turns.take('b');
      const b2 = await turns.take('b');
      let resumed = false;
      void turns.othersIdle('a', 1000).then(() => (resumed = true));
      b1();
      await Promise.resolve();
      expect(resumed).toBe(false);
      b2();
      await Promise.resolve();
      expect(resumed).toBe(true);
    });

    it('waits no longer than maxMs, so a search is never starved', async () => {
      jest.useFakeTimers();
      const turns = new FairTurns(4);
      await turns.take('b');
      let resumed = false;
      void turns.othersIdle('a', 50).then(() => (resumed = true));
      await jest.advanceTimersByTimeAsync(49);
      expect(resumed).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(resumed).toBe(true);
      await expect(turns.othersIdle('a', 0)).resolves.toBeUndefined();
    });
  });

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

  it('keeps room for other IdPs: one IdP with several requests waiting works in at most half the slots', async () => {
    const turns = new FairTurns(4);
    const a1 = await turns.take('a');
    await turns.take('a');
    const b1 = await turns.take('b');
    await turns.take('b');
    let [second, third] = [false, false];
    void turns.take('a').then(() => (second = true));
    void turns.take('a').then(() => (third = true));
    b1();
    await Promise.resolve();
    // A slot is free, but two of a's wait: not alone, so held to half though it has worked for no time yet.
    expect([second, third, turns.queued]).toEqual([false, false, 2]);
    a1();
    await Promise.resolve();
    // One takes a's freed slot; the last, then alone and light, the one beyond half.
    expect([second, third, turns.queued]).toEqual([true, true, 0]);
  });

  describe('a light IdP (little work in about the last second)', () => {
    let now = 0;
    const clock = () => now;
    beforeEach(() => (now = 0));

    it('may take one slot beyond half while nothing else of its own waits, beside a busy IdP', async () => {
      const turns = new FairTurns(3, clock);
      await turns.take('busy');
      await turns.take('light');
      now = 10;
      let second = false;
      void turns.take('light').then(() => (second = true));
      await Promise.resolve();
      expect(second).toBe(true);
      // Never two beyond half, and never beyond the slots.
      let third = false;
      void turns.take('light').then(() => (third = true));
      await Promise.resolve();
      expect([third, turns.queued]).toEqual([false, 1]);
    });

    it('is held to half once its work in about the last second reaches LIGHT_WORK_MS, its requests at work counted', async () => {
      const turns = new FairTurns(3, clock);
      await turns.take('a');
      now = LIGHT_WORK_MS;
      let second = false;
      void turns.take('a').then(() => (second = true));
      await Promise.resolve();
      expect(second).toBe(false);
    });

    it('counts its time at work as its part of the requests at work then, so a paced IdP slowed beside a busy one stays light', async () => {
      const turns = new FairTurns(3, clock);
      await turns.take('busy');
      const slowed = await turns.take('paced');
      // 800 ms at work beside the busy IdP's request: a share of 400 ms, under LIGHT_WORK_MS.
      now = 800;
      slowed();
      await turns.take('paced');
      let second = false;
      void turns.take('paced').then(() => (second = true));
      await Promise.resolve();
      expect(second).toBe(true);
    });

    it('is held to half after finished work adding up to LIGHT_WORK_MS, and light again once it has been idle a while', async () => {
      const turns = new FairTurns(3, clock);
      const first = await turns.take('a');
      now = LIGHT_WORK_MS + 100;
      first();
      await turns.take('a');
      let second = false;
      void turns.take('a').then(() => (second = true));
      await Promise.resolve();
      expect(second).toBe(false);
      const turnsLater = new FairTurns(3, clock);
      const done = await turnsLater.take('a');
      now += LIGHT_WORK_MS + 100;
      done();
      // Remembered work decays by e every second: 600 ms of work weighs under 500 ms soon after.
      now += 300;
      await turnsLater.take('a');
      let light = false;
      void turnsLater.take('a').then(() => (light = true));
      await Promise.resolve();
      expect(light).toBe(true);
    });
  });

  it('serves waiting keys in turns, so one key\'s long queue does not hold another key back', async () => {
    const turns = new FairTurns(1);
    const order: string[] = [];
    const release = await turns.take('a');
    const work = (key: string, name: string) => turns.take(key).then((done) => (order.push(name), done()));
    const all = Promise.all([...['a0', 'a1', 'a2', 'a3', 'a4'].map((n) => work('a', n)), work('b', 'b0'), work('b', 'b1')]);
    release();
    await all;
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'a3', 'a4']);
  });
});

describe('FairTurns with searches', () => {
  afterEach(() => jest.useRealTimers());

  const started = (turn: Promise<() => void>) => {
    const state = { started: false, release: () => undefined as void };
    void turn.then((release) => Object.assign(state, { started: true, release }));
    return state;
  };

  it('starts a search at once while no other IdP has work, beside its own IdP\'s requests', async () => {
    const turns = new FairTurns(4);
    await turns.take('a');
    const search = started(turns.take('a', true));
    await Promise.resolve();
    expect(search.started).toBe(true);
  });

  it('holds a search back while another IdP has a request at work, and starts it when that ends', async () => {
    const turns = new FairTurns(4);
    const other = await turns.take('b');
    const search = started(turns.take('a', true));
    // The searching IdP's own later requests wait behind its search; other IdPs' requests still start.
    const after = started(turns.take('a'));
    const another = started(turns.take('c'));
    await Promise.resolve();
    expect([search.started, after.started, another.started]).toEqual([false, false, true]);
    other();
    another.release();
    await Promise.resolve();
    expect(search.started).toBe(true);
  });

  it('starts a held-back search once it has waited SEARCH_MAX_YIELD_MS, even while the other IdP keeps working', async () => {
    jest.useFakeTimers();
    let now = 0;
    const turns = new FairTurns(2, () => now);
    await turns.take('b');
    const search = started(turns.take('a', true));
    now = SEARCH_MAX_YIELD_MS - 1;
    jest.advanceTimersByTime(SEARCH_MAX_YIELD_MS - 1);
    await Promise.resolve();
    expect(search.started).toBe(false);
    now = SEARCH_MAX_YIELD_MS;
    jest.advanceTimersByTime(1);
    await Promise.resolve();
    expect(search.started).toBe(true);
  });
});

describe('FairTurns with a heavy IdP beside another', () => {
  afterEach(() => jest.useRealTimers());
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 0));

  const started = (turn: Promise<() => void>) => {
    const state = { started: false };
    void turn.then(() => (state.started = true));
    return state;
  };
  /** A key that has just worked `ms` alone (finished), so that it counts as heavy for a while when `ms` ≥ LIGHT_WORK_MS. */
  const worked = async (turns: FairTurns, key: string, ms: number) => {
    const release = await turns.take(key);
    now += ms;
    release();
  };

  it('holds the heavy IdP\'s next request while another IdP has one at work, and starts it when that ends', async () => {
    const turns = new FairTurns(4, clock);
    await worked(turns, 'heavy', LIGHT_WORK_MS + 100);
    const other = await turns.take('other');
    const held = started(turns.take('heavy'));
    await Promise.resolve();
    expect(held.started).toBe(false);
    other();
    await Promise.resolve();
    expect(held.started).toBe(true);
  });

  it('never holds a light IdP, nor a heavy IdP with the server to itself', async () => {
    const turns = new FairTurns(4, clock);
    await worked(turns, 'heavy', LIGHT_WORK_MS + 100);
    const heavyAlone = started(turns.take('heavy'));
    const light = started(turns.take('light'));
    await Promise.resolve();
    expect([heavyAlone.started, light.started]).toEqual([true, true]);
    const quiet = new FairTurns(4, clock);
    await worked(quiet, 'a', LIGHT_WORK_MS - 100);
    await quiet.take('b');
    const underTheLine = started(quiet.take('a'));
    await Promise.resolve();
    expect(underTheLine.started).toBe(true);
  });

  it('starts the held request once it has waited SEARCH_MAX_YIELD_MS, even while the other IdP keeps working', async () => {
    jest.useFakeTimers();
    const turns = new FairTurns(4, clock);
    await worked(turns, 'heavy', LIGHT_WORK_MS + 100);
    await turns.take('other');
    const held = started(turns.take('heavy'));
    now += SEARCH_MAX_YIELD_MS - 1;
    jest.advanceTimersByTime(SEARCH_MAX_YIELD_MS - 1);
    await Promise.resolve();
    expect(held.started).toBe(false);
    now += 1;
    jest.advanceTimersByTime(1);
    await Promise.resolve();
    expect(held.started).toBe(true);
  });
});

describe('workSlots', () => {
  const defaults = loadConfig({});

  it('is three on embedded PGlite', () => {
    expect(workSlots(defaults)).toBe(3);
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
