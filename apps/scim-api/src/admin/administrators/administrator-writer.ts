import type { CommandHandler } from '@app/event-store/command-handling/command-handler';
import type { EventMetadata } from '@app/event-store/event-store.port';
import { AdministratorEvent, isAdministratorEvent } from '@app/identity/administrator/administrator.events';
import { AdministratorsState, evolveAdministrators, initialAdministratorsState } from '@app/identity/administrator/administrator.state';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { randomUUID } from 'node:crypto';

const ADMINISTRATORS_STREAM = { initial: initialAdministratorsState, evolve: evolveAdministrators, accepts: isAdministratorEvent };

/** Load → decide → append on the administrators stream, with who asked as the events' metadata. */
export class AdministratorWriter {
  constructor(private readonly handler: CommandHandler) {}

  async write(decide: (state: AdministratorsState) => AdministratorEvent[], provenance: Omit<EventMetadata, 'occurredAt'>): Promise<AdministratorsState> {
    const metadata: EventMetadata = { ...provenance, occurredAt: new Date().toISOString() };
    const streamId = StreamIds.administrators();
    const handled = await this.handler.handle({
      streamId,
      holder: streamId,
      model: ADMINISTRATORS_STREAM,
      decide,
      metadata,
      record: (events) => events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata })),
    });
    return handled.state;
  }
}
