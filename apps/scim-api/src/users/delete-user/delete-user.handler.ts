import { decideDelete } from '@app/identity/user/user.decide';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UserWriter } from '../shared/user-writer';
import { DeleteUserCommand } from './delete-user.command';

@CommandHandler(DeleteUserCommand)
export class DeleteUserHandler implements ICommandHandler<DeleteUserCommand, void> {
  constructor(private readonly writer: UserWriter) {}

  async execute({ providerId, userId, provenance, ifMatch }: DeleteUserCommand): Promise<void> {
    await this.writer.write({ providerId, userId, provenance, ifMatch }, (state) => ({ events: decideDelete(state) }));
  }
}
