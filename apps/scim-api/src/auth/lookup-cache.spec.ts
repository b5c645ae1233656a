import { LookupCache } from './lookup-cache';

describe('LookupCache', () => {
  let now = 0;
  const cache = () => new LookupCache<string>(1000, 2, () => now);
  beforeEach(() => (now = 0));

  it('reuses a lookup, found or missing, until it is ttl old', async () => {
    const lookups = cache();
    const load = jest.fn(async () => 'found');
    const missing = jest.fn(async () => undefined);
    expect(await lookups.get('a', load)).toBe('found');
    expect(await lookups.get('x', missing)).toBeUndefined();
    now = 999;
    expect(await lookups.get('a', load)).toBe('found');
    expect(await lookups.get('x', missing)).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
    expect(missing).toHaveBeenCalledTimes(1);
    now = 1000;
    await lookups.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('counts a lookup\'s age from when its load started, so a slow read before a revoke is not kept longer', async () => {
    const lookups = cache();
    const load = jest.fn(async () => {
      now = 800; // the read took 800 ms
      return 'found';
    });
    await lookups.get('a', load);
    now = 1000;
    await lookups.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between overlapping lookups and forgets a failed one', async () => {
    const lookups = cache();
    const failing = jest.fn(async () => {
      throw new Error('database down');
    });
    await Promise.all([expect(lookups.get('a', failing)).rejects.toThrow(), expect(lookups.get('a', failing)).rejects.toThrow()]);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await lookups.get('a', async () => 'back')).toBe('back');
  });

  it('keeps found keys apart from missing ones, so unknown keys cannot push known ones out', async () => {
    const lookups = cache();
    const load = jest.fn(async () => 'found');
    await lookups.get('known', load);
    for (let i = 0; i < 10; i += 1) await lookups.get(`unknown-${i}`, async () => undefined);
    await lookups.get('known', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads an invalidated key anew at once, found or missing', async () => {
    const lookups = cache();
    const load = jest.fn(async () => 'found');
    const missing = jest.fn(async () => undefined);
    await lookups.get('a', load);
    await lookups.get('x', missing);
    lookups.invalidate('a');
    lookups.invalidate('x');
    await lookups.get('a', load);
    await lookups.get('x', missing);
    expect(load).toHaveBeenCalledTimes(2);
    expect(missing).toHaveBeenCalledTimes(2);
  });

  it('neither shares nor keeps a load that an invalidation overtook (a read from before a revoke)', async () => {
    const lookups = cache();
    let finishStale!: (value: string) => void;
    const stale = lookups.get('a', () => new Promise<string>((resolve) => (finishStale = resolve)));
    lookups.invalidate('a');
    const fresh = jest.fn(async () => 'revoked');
    expect(await lookups.get('a', fresh)).toBe('revoked');
    finishStale('live');
    expect(await stale).toBe('live');
    expect(await lookups.get('a', async () => 'not loaded')).toBe('revoked');
    expect(fresh).toHaveBeenCalledTimes(1);
  });

  it('keeps a load that finishes after an invalidation overtook an earlier one out of the way of the newer one', async () => {
    const lookups = cache();
    let failStale!: (error: Error) => void;
    const stale = lookups.get('a', () => new Promise<string>((_resolve, reject) => (failStale = reject)));
    lookups.invalidate('a');
    let finishFresh!: (value: string) => void;
    const fresh = lookups.get('a', () => new Promise<string>((resolve) => (finishFresh = resolve)));
    failStale(new Error('database down'));
    await expect(stale).rejects.toThrow('database down');
    // The newer load is still the one shared.
    const joined = lookups.get('a', async () => 'second load');
    finishFresh('fresh');
    expect(await fresh).toBe('fresh');
    expect(await joined).toBe('fresh');
  });
});
