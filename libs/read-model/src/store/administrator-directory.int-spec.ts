import type { RecordedEvent } from '@app/event-store/event-store.port';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { createLogger } from '@app/platform/logging/logger';
import { randomUUID } from 'node:crypto';
import { openStores, Stores } from '../open-stores';
import { forgetStream, projectEvent } from '../projections/read-model.projection';
import { AdministratorDirectory } from './administrator-directory';

const metadata = { occurredAt: '2026-12-02T05:00:00.000Z' };
const stream = StreamIds.administrators();

describe('the administrators stream in the read model', () => {
  let stores: Stores;
  let directory: AdministratorDirectory;
  beforeEach(async () => {
    stores = await openStores({ dataDir: ':memory:' }, createLogger('silent'));
    directory = new AdministratorDirectory(stores.db);
  });
  afterEach(() => stores.close());

  const append = (expected: number | 'noStream', ...events: { type: string; data: unknown }[]) =>
    stores.commands.write({
      streamId: stream,
      events: events.map((e) => ({ id: randomUUID(), ...e, metadata })),
      expected,
      holder: stream,
      claim: [],
      release: [],
      takeOver: new Map(),
      metadata,
    });

  it('finds live admin tokens by digest only, lists every one without digests, and is rebuilt the same from its events', async () => {
    await append(
      'noStream',
      { type: 'AdminTokenIssued', data: { tokenId: 't1', digest: 'a'.repeat(64), label: 'Alice' } },
      { type: 'AdminTokenIssued', data: { tokenId: 't2', digest: 'b'.repeat(64), label: 'Bob' } },
    );
    await append(1, { type: 'AdminTokenRevoked', data: { tokenId: 't1' } });

    expect(await directory.findLiveToken('b'.repeat(64))).toEqual({ tokenId: 't2', label: 'Bob' });
    expect(await directory.findLiveToken('a'.repeat(64))).toBeUndefined();
    const listed = await directory.listTokens();
    expect(listed).toEqual([
      { tokenId: 't1', label: 'Alice', issuedAt: metadata.occurredAt, revoked: true },
      { tokenId: 't2', label: 'Bob', issuedAt: metadata.occurredAt, revoked: false },
    ]);

    // Applied twice, and forgotten then applied again (re-projection): the same rows.
    const recorded: RecordedEvent[] = await stores.events.readStream(stream);
    await stores.db.transaction(async (tx) => {
      for (const event of recorded) await projectEvent(tx, event);
    });
    expect(await directory.listTokens()).toEqual(listed);
    await stores.db.transaction(async (tx) => {
      await forgetStream(tx, recorded[0]);
      for (const event of recorded) await projectEvent(tx, event);
    });
    expect(await directory.listTokens()).toEqual(listed);
  });
});
