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
});
