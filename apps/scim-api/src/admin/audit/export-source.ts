import type { ExportScope } from '@app/audit/export-records';
import { ExportEnd, exportChunks } from '@app/audit/export-writer';
import { EVENT_STORE, EventStore, RecordedEvent } from '@app/event-store/event-store.port';
import { DomainError } from '@app/identity/shared/domain-error';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { Inject, Injectable } from '@nestjs/common';
import { AdminRequestError } from '../http/admin-errors';
import { belongsTo } from './export-scope';

/** Events read per query: one batch is all an export holds. */
const BATCH = 500;
/** Exports running at once in this process: each reads the whole log, and SCIM requests share the database with them. */
const MAX_RUNNING = 2;

/**
 * The log as an export's chunks: the whole of it, one IdP's streams, or one user's, up to the
 * position the log had reached when the export began (so a busy log cannot make it endless).
 * @throws DomainError PROVIDER_NOT_FOUND, USER_NOT_FOUND (nothing in the log), before any chunk.
 */
@Injectable()
export class EventLogExport {
  private running = 0;

  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  /** A place among the running exports, or 429; the caller releases it when its response ends. */
  claim(): () => void {
    if (this.running >= MAX_RUNNING) throw new AdminRequestError(429, 'TOO_MANY_EXPORTS', `${MAX_RUNNING} exports are running; try again when one has finished`);
    this.running++;
    let released = false;
    return () => {
      if (!released) [released, this.running] = [true, this.running - 1];
    };
  }

  async open(scope: ExportScope): Promise<AsyncGenerator<string, ExportEnd>> {
    const exportedAt = new Date();
    if (scope.kind !== 'all') await this.providerOf(scope.providerId);
    if (scope.kind === 'user') {
      const stream = await this.events.readStream(StreamIds.user(scope.providerId, scope.userId));
      if (stream.length === 0) throw new DomainError('USER_NOT_FOUND', `No user ${scope.userId} was ever provisioned by "${scope.providerId}"`);
      return exportChunks({ scope, exportedAt, throughPosition: stream[stream.length - 1].position }, once(stream));
    }
    const throughPosition = await this.events.headPosition();
    const belongs = scope.kind === 'all' ? () => true : belongsTo(scope.providerId);
    return exportChunks({ scope, exportedAt, throughPosition }, this.logUpTo(throughPosition, belongs));
  }

  /** An IdP is known to the log by its own stream; a retired one keeps it. */
  private async providerOf(providerId: string): Promise<void> {
    const stream = await this.events.readStream(StreamIds.identityProvider(providerId));
    if (stream.length === 0) throw new DomainError('PROVIDER_NOT_FOUND', `No identity provider "${providerId}"`);
  }

  private async *logUpTo(throughPosition: number, belongs: (streamId: string) => boolean): AsyncGenerator<RecordedEvent[]> {
    for (let after = 0; after < throughPosition; ) {
      const batch = await this.events.readAll(after, BATCH);
      const upTo = batch.filter((event) => event.position <= throughPosition);
      yield upTo.filter((event) => belongs(event.streamId));
      if (upTo.length < BATCH) return;
      after = batch[batch.length - 1].position;
    }
  }
}

async function* once<T>(items: T): AsyncGenerator<T> {
  yield items;
}
