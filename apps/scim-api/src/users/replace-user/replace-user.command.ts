import { Command } from '@nestjs/cqrs';
import type { ScimRequestContext } from '../../auth/scim-request-context';

/** PUT /Users/{id}: replace the user's attributes with the body's (RFC 7644 §3.5.1). */
export class ReplaceUserCommand extends Command<void> {
  constructor(
    readonly context: ScimRequestContext,
    readonly userId: string,
    readonly ifMatch?: number,
  ) {
    super();
  }
}
