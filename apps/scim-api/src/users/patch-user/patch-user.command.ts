import type { PatchOperation } from '@app/scim/patch/apply-patch';
import { Command } from '@nestjs/cqrs';
import type { ScimRequestContext } from '../../auth/scim-request-context';

/** PATCH /Users/{id}: apply RFC 7644 §3.5.2 operations, Entra's variants included. */
export class PatchUserCommand extends Command<void> {
  constructor(
    readonly context: ScimRequestContext,
    readonly userId: string,
    readonly operations: readonly PatchOperation[],
    readonly ifMatch?: number,
  ) {
    super();
  }
}
