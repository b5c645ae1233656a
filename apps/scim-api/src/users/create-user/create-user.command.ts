import { Command } from '@nestjs/cqrs';
import type { UserCommandInput } from '../shared/user-command';
import type { WrittenUser } from '../shared/user-writer';

/** POST /Users: provision a user from the body; resolves to the new user as stored. */
export class CreateUserCommand extends Command<WrittenUser> {
  constructor(readonly input: UserCommandInput) {
    super();
  }
}
