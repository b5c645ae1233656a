import type { RecordedEvent } from '@app/event-store/event-store.port';
import type { AdministratorEvent } from '@app/identity/administrator/administrator.events';
import type { SqlExecutor } from '@app/platform/database/sql-database';

/** The admin tokens the admin API authenticates against; every statement is safe to run twice. */
export async function projectAdministratorEvent(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const event = { type: recorded.type, data: recorded.data } as AdministratorEvent;
  switch (event.type) {
    case 'AdminTokenIssued':
      await tx.query(
        'INSERT INTO admin_tokens (token_id, digest, label, issued_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [event.data.tokenId, event.data.digest, event.data.label, recorded.metadata.occurredAt],
      );
      return;
    case 'AdminTokenRevoked':
      await tx.query('UPDATE admin_tokens SET revoked = true WHERE token_id = $1', [event.data.tokenId]);
      return;
  }
}

/** Removes every admin token row, so the administrators stream can be applied again from its first event (re-projection). */
export async function forgetAdministrators(tx: SqlExecutor): Promise<void> {
  await tx.query('DELETE FROM admin_tokens');
}
