import { decidePatch } from '@app/identity/user/user.decide';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UserWriter } from '../shared/user-writer';
import { PatchUserCommand } from './patch-user.command';

@CommandHandler(PatchUserCommand)
export class PatchUserHandler implements ICommandHandler<PatchUserCommand, void> {
  constructor(private readonly writer: UserWriter) {}

  async execute({ context, userId, operations, ifMatch }: PatchUserCommand): Promise<void> {
    const command = { schema: context.schema, operations };
    await this.writer.write(context, userId, (state) => decidePatch(state, command), { ifMatch });
  }
}
