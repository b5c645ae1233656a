import { decideReplace } from '@app/identity/user/user.decide';
import { normalizeResource } from '@app/scim/resource/normalize-resource';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UserWriter } from '../shared/user-writer';
import { ReplaceUserCommand } from './replace-user.command';

@CommandHandler(ReplaceUserCommand)
export class ReplaceUserHandler implements ICommandHandler<ReplaceUserCommand, void> {
  constructor(private readonly writer: UserWriter) {}

  async execute({ context, userId, ifMatch }: ReplaceUserCommand): Promise<void> {
    const { attributes, dropped } = normalizeResource(context.schema, context.body);
    await this.writer.write(context, userId, (state) => ({ events: decideReplace(state, { attributes }), dropped }), { ifMatch });
  }
}
