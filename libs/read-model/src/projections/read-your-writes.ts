import type { AfterAppend } from '@app/event-store/command-handling/command-handler';
import type { ReadModelProjector } from './read-model.projector';

/**
 * After-append hook: resolves once the read model shows the write. A write projected in its own
 * transaction is there already; any other (pending, or held behind a quarantined failure) waits for
 * the projector, which answers a held one with the quarantine's 503.
 */
export function readYourWrites(projector: ReadModelProjector): AfterAppend {
  return async (committed) => {
    if (committed.readModel !== 'projected') await projector.waitFor(committed.position);
  };
}
