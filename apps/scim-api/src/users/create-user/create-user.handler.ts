import { decideProvision } from '@app/identity/user/user.decide';
import { normalizeResource } from '@app/scim/resource/normalize-resource';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { UserWriter } from '../shared/user-writer';
import { CreateUserCommand } from './create-user.command';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand, string> {
  constructor(private readonly writer: UserWriter) {}

  async execute({ context }: CreateUserCommand): Promise<string> {
    const { attributes, dropped } = normalizeResource(context.schema, context.body);
    const userId = randomUUID();
    const command = { providerId: context.providerId, userId, attributes };
    await this.writer.write(context, userId, (state) => ({ events: decideProvision(state, command), dropped }));
    return userId;
  }
}
