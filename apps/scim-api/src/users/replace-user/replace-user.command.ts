import { Command } from '@nestjs/cqrs';
import type { UserCommandInput } from '../shared/user-command';
import type { WrittenUser } from '../shared/user-writer';

/** PUT /Users/{id}: replace the user's attributes with the body's (RFC 7644 §3.5.1). */
export class ReplaceUserCommand extends Command<WrittenUser> {
  constructor(
    readonly input: UserCommandInput,
    readonly userId: string,
    readonly ifMatch?: number,
  ) {
    super();
  }
}
