import { Command } from '@nestjs/cqrs';
import type { UserCommandInput } from '../shared/user-command';
import type { WrittenUser } from '../shared/user-writer';

/** POST /Users: provision a user from the body; resolves to the new user as stored (or the one it re-baselined). */
export class CreateUserCommand extends Command<WrittenUser> {
  constructor(
    readonly input: UserCommandInput,
    /** The IdP re-baselines an existing user on a POST with its userName and externalId (off: only users awaiting re-provisioning). */
    readonly rebaselineMatchingPosts = false,
  ) {
    super();
  }
}
