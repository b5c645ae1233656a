import { StreamIds } from '@app/identity/shared/stream-ids';
import { createEmptyDatabase } from '@app/platform/database/create-database';
import { createLogger } from '@app/platform/logging/logger';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openStores, Stores } from '../open-stores';
import { COMPARED_TABLES, UNCOMPARED_TABLES } from './compared-tables';
import { ReadModelRebuild } from './read-model-rebuild';
import { REBUILD_SCHEMA } from './rebuild-schema';

const metadata = { occurredAt: '2026-12-02T05:00:00.000Z' };
const stores: [string, () => Promise<Stores>][] = [['pglite', () => openStores({ dataDir: ':memory:' }, createLogger('silent'))]];
const serverUrl = process.env.TEST_DATABASE_URL;
let databaseUrl: string | undefined;
if (serverUrl) {
  stores.push(['postgresql', async () => openStores({ databaseUrl: (databaseUrl = await createEmptyDatabase(serverUrl, 'scim_test')), dataDir: ':memory:' }, createLogger('silent'))]);
}

describe.each(stores)('rebuilding the read model from the log on %s', (_name, open) => {
  let db: Stores;
  beforeEach(async () => {
    db = await open();
  });
  afterEach(() => db.close());

  const write = (streamId: string, expected: number | 'noStream', ...events: { type: string; data: unknown }[]) =>
    db.commands.write({ streamId, events: events.map((e) => ({ id: randomUUID(), ...e, metadata })), expected, holder: streamId, claim: [], release: [], takeOver: new Map(), metadata });
  const rebuild = (promote = false) => new ReadModelRebuild(db.db, db.events, 'snapshot').run({ verify: true, promote }, async () => undefined);

  it('builds every projected table in its own schema: each one compared or named as bookkeeping', async () => {
    await rebuild();
    const tables = await db.db.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [REBUILD_SCHEMA]);
    expect(tables.map((t) => t.table_name)).toEqual([...COMPARED_TABLES.map((t) => t.name), ...UNCOMPARED_TABLES].sort());
  });

  it('finds each row changed, missing or extra behind the projection, names the columns, and promotes the rebuilt rows', async () => {
    const providerId = `p-${randomUUID()}`;
    await write(StreamIds.identityProvider(providerId), 'noStream',
      { type: 'IdentityProviderRegistered', data: { providerId, displayName: 'Contoso' } },
      { type: 'TokenIssued', data: { providerId, tokenId: 't1', digest: 'a'.repeat(64), label: 'Entra' } },
      { type: 'CustomAttributeRegistered', data: { providerId, attribute: 'JobCode' } },
    );
    await write(StreamIds.administrators(), 'noStream', { type: 'AdminTokenIssued', data: { tokenId: 'a1', digest: 'b'.repeat(64), label: 'Alice' } });
    expect((await rebuild()).comparison).toEqual({ differenceCount: 0, differences: [] });

    await db.db.query("UPDATE identity_providers SET display_name = 'Fabrikam', scim_enabled = true WHERE provider_id = $1", [providerId]);
    await db.db.query('DELETE FROM scim_tokens WHERE provider_id = $1', [providerId]);
    await db.db.query("UPDATE idp_custom_attributes SET name = 'JOBCODE' WHERE provider_id = $1", [providerId]);
    await db.db.query("INSERT INTO admin_tokens (token_id, digest, label, issued_at) VALUES ('ghost', $1, 'Ghost', now())", ['c'.repeat(64)]);
    const found = await rebuild(true);
    expect(found.comparison?.differenceCount).toBe(4);
    expect(found.comparison?.differences).toEqual([
      { table: 'identity_providers', key: { provider_id: providerId }, kind: 'differs', columns: ['display_name', 'scim_enabled'] },
      { table: 'scim_tokens', key: { provider_id: providerId, token_id: 't1' }, kind: 'missing-in-live' },
      { table: 'idp_custom_attributes', key: { provider_id: providerId, name: 'JOBCODE' }, kind: 'differs', columns: ['name'] },
      { table: 'admin_tokens', key: { token_id: 'ghost' }, kind: 'missing-in-rebuilt' },
    ]);
    expect(found.promoted).toBe(true);
    expect((await rebuild()).comparison).toEqual({ differenceCount: 0, differences: [] });
    const live = await db.db.query('SELECT token_id, label FROM scim_tokens WHERE provider_id = $1', [providerId]);
    expect(live).toEqual([{ token_id: 't1', label: 'Entra' }]);
  });

  if (_name === 'postgresql') {
    it('promotes again from a fresh snapshot when a write changed a row it promotes after its snapshot', async () => {
      const providerId = `p-${randomUUID()}`;
      await write(StreamIds.identityProvider(providerId), 'noStream', { type: 'IdentityProviderRegistered', data: { providerId, displayName: 'Contoso' } });
      await db.db.query("UPDATE identity_providers SET display_name = 'Tampered' WHERE provider_id = $1", [providerId]);
      const rival = new Client({ connectionString: String(databaseUrl) });
      await rival.connect();
      try {
        await rival.query('BEGIN');
        await rival.query("UPDATE identity_providers SET display_name = 'Tampered again' WHERE provider_id = $1", [providerId]);
        const promoting = rebuild(true);
        // The promotion waits on the rival's row lock; once the rival commits, its snapshot is stale (40001).
        while ((await rival.query('SELECT 1 FROM pg_locks WHERE NOT granted')).rows.length === 0) await new Promise((r) => setTimeout(r, 20));
        await rival.query('COMMIT');
        const promoted = await promoting;
        expect(promoted.comparison?.differences).toEqual([{ table: 'identity_providers', key: { provider_id: providerId }, kind: 'differs', columns: ['display_name'] }]);
      } finally {
        await rival.end();
      }
      expect((await rebuild()).comparison?.differenceCount).toBe(0);
      expect(await db.db.query('SELECT display_name FROM identity_providers WHERE provider_id = $1', [providerId])).toEqual([{ display_name: 'Contoso' }]);
    });
  }
});
