import { migrate } from '@app/platform/database/migrations';
import { PgliteDatabase } from '@app/platform/database/pglite-database';
import { randomUUID } from 'node:crypto';
import { EVENT_LOG_MIGRATIONS } from './event-log.migrations';
import { PostgresEventStore } from './postgres-event-store.adapter';

describe('event-log-002 (unique_claims) on a log written before it', () => {
  it('claims what the reservation streams hold: the last reserver of each value, from when it reserved', async () => {
    const db = await PgliteDatabase.open();
    try {
      await migrate(db, EVENT_LOG_MIGRATIONS.slice(0, 1));
      const store = new PostgresEventStore(db);
      const reservation = (type: string, userId: string) => ({ id: randomUUID(), type, data: { providerId: 'p', kind: 'userName', userId }, metadata: { occurredAt: new Date().toISOString() } });
      await store.appendToStream('username-p-held', [reservation('UniqueValueReserved', 'u1')], 'noStream');
      await store.appendToStream('username-p-released', [reservation('UniqueValueReserved', 'u1'), reservation('UniqueValueReleased', 'u1')], 'noStream');
      await store.appendToStream('externalid-p-taken-over', [reservation('UniqueValueReserved', 'u1'), reservation('UniqueValueReserved', 'u2')], 'noStream');
      await store.appendToStream('user-p-u1', [{ ...reservation('UserProvisioned', 'u1'), type: 'UserProvisioned' }], 'noStream');
      const [reservedAt] = await db.query<{ recorded_at: Date }>("SELECT recorded_at FROM events WHERE stream_id = 'username-p-held'");

      await migrate(db, EVENT_LOG_MIGRATIONS);

      const claims = await db.query<{ claim_key: string; holder: string; claimed_at: Date }>('SELECT claim_key, holder, claimed_at FROM unique_claims ORDER BY claim_key');
      expect(claims.map((c) => [c.claim_key, c.holder])).toEqual([
        ['externalid-p-taken-over', 'u2'],
        ['username-p-held', 'u1'],
      ]);
      expect(new Date(claims[1].claimed_at).getTime()).toBe(new Date(reservedAt.recorded_at).getTime());
    } finally {
      await db.close();
    }
  });
});
