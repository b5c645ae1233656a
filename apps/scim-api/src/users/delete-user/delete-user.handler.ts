import { decideDelete } from '@app/identity/user/user.decide';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UserWriter } from '../shared/user-writer';
import { DeleteUserCommand } from './delete-user.command';

@CommandHandler(DeleteUserCommand)
export class DeleteUserHandler implements ICommandHandler<DeleteUserCommand, void> {
  constructor(private readonly writer: UserWriter) {}

  async execute({ context, userId, ifMatch }: DeleteUserCommand): Promise<void> {
    await this.writer.write(context, userId, (state) => ({ events: decideDelete(state) }), { ifMatch });
  }
}
