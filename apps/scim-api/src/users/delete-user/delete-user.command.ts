import { Command } from '@nestjs/cqrs';
import type { ScimRequestContext } from '../../auth/scim-request-context';

/** DELETE /Users/{id}: the user leaves the read model; its history stays in the log. */
export class DeleteUserCommand extends Command<void> {
  constructor(
    readonly context: ScimRequestContext,
    readonly userId: string,
    readonly ifMatch?: number,
  ) {
    super();
  }
}
