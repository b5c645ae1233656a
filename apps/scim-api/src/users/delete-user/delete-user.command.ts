import { Command } from '@nestjs/cqrs';
import type { Provenance } from '../shared/event-metadata';

/** DELETE /Users/{id}: the user leaves the read model; its history stays in the log. */
export class DeleteUserCommand extends Command<void> {
  constructor(
    readonly providerId: string,
    readonly userId: string,
    readonly provenance: Provenance,
    readonly ifMatch?: number,
  ) {
    super();
  }
}
