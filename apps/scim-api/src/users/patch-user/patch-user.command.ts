import type { PatchOperation } from '@app/scim/patch/apply-patch';
import { Command } from '@nestjs/cqrs';
import type { UserCommandInput } from '../shared/user-command';
import type { WrittenUser } from '../shared/user-writer';

/** PATCH /Users/{id}: apply RFC 7644 §3.5.2 operations, Entra's variants included. */
export class PatchUserCommand extends Command<WrittenUser> {
  constructor(
    readonly input: UserCommandInput,
    readonly userId: string,
    readonly operations: readonly PatchOperation[],
    readonly ifMatch?: number,
  ) {
    super();
  }
}
