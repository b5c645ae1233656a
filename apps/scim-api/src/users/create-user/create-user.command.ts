import { Command } from '@nestjs/cqrs';
import type { ScimRequestContext } from '../../auth/scim-request-context';

/** POST /Users: provision a user from the request body; resolves to the new user's id. */
export class CreateUserCommand extends Command<string> {
  constructor(readonly context: ScimRequestContext) {
    super();
  }
}
