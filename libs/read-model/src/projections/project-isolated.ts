import type { RecordedEvent } from '@app/event-store/event-store.port';
import type { SqlExecutor } from '@app/platform/database/sql-database';
import { describeProjectionError } from './projection-error';
import { failedEvent, QuarantinedEvent } from './projection-failures';
import { projectEvent } from './read-model.projection';

/** Projects one event under a savepoint; a permanent failure is undone and quarantined (false), any other rethrown. */
export async function projectIsolated(tx: SqlExecutor, event: RecordedEvent, quarantine: (event: QuarantinedEvent) => Promise<void>): Promise<boolean> {
  await tx.query('SAVEPOINT projecting_event');
  try {
    await projectEvent(tx, event);
    await tx.query('RELEASE SAVEPOINT projecting_event');
    return true;
  } catch (error) {
    const described = describeProjectionError(error);
    if (!described.permanent) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT projecting_event');
    await quarantine(failedEvent(event, described));
    return false;
  }
}
