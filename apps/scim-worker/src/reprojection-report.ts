import type { Stores } from '@app/read-model/open-stores';
import { reprojectQuarantined, ReprojectionResult } from '@app/read-model/projections/read-model.reprojection';

/** Exit code for scripts: some streams still fail after the re-projection. */
const STILL_FAILING = 1;

/** One line per stream; stream ids and positions only, never user values. */
export function describeResult(result: ReprojectionResult): string {
  switch (result.outcome) {
    case 'quarantined': {
      const { failedPosition, eventType, errorClass, errorCode, heldEvents } = result.stream;
      const cause = `${eventType}, ${errorClass} ${errorCode}`;
      return `${result.streamId}: quarantined since log position ${failedPosition} (${cause}), later events held: ${heldEvents}`;
    }
    case 'reprojected':
      return `${result.streamId}: re-projected (events: ${result.events}), quarantine lifted`;
    case 'already-released':
      return `${result.streamId}: no longer quarantined (released by another run)`;
    case 'still-failing': {
      const cause = `${result.eventType}, ${result.errorClass} ${result.errorCode ?? ''}`;
      return `${result.streamId}: still fails at log position ${result.position} (${cause}), left quarantined`;
    }
  }
}

/** Runs the re-projection on open stores and prints what it did; returns the process exit code. */
export async function runReprojection(stores: Pick<Stores, 'db' | 'events'>, dryRun: boolean, write: (line: string) => void): Promise<number> {
  const results = await reprojectQuarantined(stores.db, stores.events, { dryRun });
  results.forEach((result) => write(`${describeResult(result)}\n`));
  const failing = results.filter((result) => result.outcome === 'still-failing').length;
  if (results.length === 0) write('No stream is quarantined\n');
  else if (dryRun) write(`Quarantined streams: ${results.length} (dry run: nothing changed)\n`);
  else write(`Re-projected ${results.length - failing} of ${results.length} quarantined streams\n`);
  return failing > 0 ? STILL_FAILING : 0;
}
