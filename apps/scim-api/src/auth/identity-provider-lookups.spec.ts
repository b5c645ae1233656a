import type { ProviderRecord } from '@app/read-model/store/identity-provider-directory';
import { IdentityProviderLookups, ProviderReads } from './identity-provider-lookups';

const record = (providerId: string): ProviderRecord => ({
  providerId,
  displayName: providerId,
  scimEnabled: true,
  customAttributes: [],
  rebaselineMatchingPosts: false,
  quarantined: false,
  tokens: new Map([['digest', { tokenId: 'token-1', scopes: ['users:read'] }]]),
});

/** A directory over a set of registered ids, counting the reads it serves. */
function directory(registered: Set<string>) {
  const reads = { lists: 0, providers: [] as string[] };
  const fake: ProviderReads = {
    listProviderIds: async () => {
      reads.lists += 1;
      return new Set(registered);
    },
    findProvider: async (providerId: string) => {
      reads.providers.push(providerId);
      return registered.has(providerId) ? record(providerId) : undefined;
    },
  };
  return { reads, directory: fake };
}

describe('IdentityProviderLookups', () => {
  let now = 0;
  const limits = { ttlMs: 1000, maxEntries: 100, unlistedReadsPerTtl: 3 };
  beforeEach(() => (now = 0));

  it('reads a registered IdP once per ttl, however many requests ask', async () => {
    const { reads, directory: dir } = directory(new Set(['acme']));
    const lookups = new IdentityProviderLookups(dir, limits, () => now);
    for (let i = 0; i < 50; i += 1) expect((await lookups.find('acme'))?.providerId).toBe('acme');
    expect(reads).toEqual({ lists: 1, providers: ['acme'] });
    now = 1000;
    await lookups.find('acme');
    expect(reads).toEqual({ lists: 2, providers: ['acme', 'acme'] });
  });

  it('answers a flood of random tenant ids from the id list, with at most the budget of reads of their own per ttl', async () => {
    const { reads, directory: dir } = directory(new Set(['acme']));
    const lookups = new IdentityProviderLookups(dir, limits, () => now);
    for (let i = 0; i < 1000; i += 1) expect(await lookups.find(`random-${i}`)).toBeUndefined();
    expect(reads.lists).toBe(1);
    expect(reads.providers).toHaveLength(3);
    now = 1000;
    for (let i = 0; i < 1000; i += 1) await lookups.find(`again-${i}`);
    expect(reads.lists).toBe(2);
    expect(reads.providers).toHaveLength(6);
    // The registered IdP is still served while the flood goes on.
    expect((await lookups.find('acme'))?.providerId).toBe('acme');
  });

  it('finds an IdP registered after the id list was read, within the budget', async () => {
    const registered = new Set(['acme']);
    const { directory: dir } = directory(registered);
    const lookups = new IdentityProviderLookups(dir, limits, () => now);
    await lookups.find('acme');
    registered.add('globex');
    expect((await lookups.find('globex'))?.providerId).toBe('globex');
  });

  it('reads an invalidated IdP and the id list again at once', async () => {
    const registered = new Set(['acme']);
    const { reads, directory: dir } = directory(registered);
    const lookups = new IdentityProviderLookups(dir, { ...limits, unlistedReadsPerTtl: 0 }, () => now);
    await lookups.find('acme');
    expect(await lookups.find('globex')).toBeUndefined();
    registered.add('globex');
    lookups.invalidate('globex');
    lookups.invalidate('acme');
    expect((await lookups.find('globex'))?.providerId).toBe('globex');
    await lookups.find('acme');
    expect(reads).toEqual({ lists: 2, providers: ['acme', 'globex', 'acme'] });
  });
});
