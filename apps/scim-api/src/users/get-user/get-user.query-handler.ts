import { UserReadModel, UserRow } from '@app/read-model/store/user-read-model';
import { ScimError } from '@app/scim/errors/scim-error';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { GetUserQuery } from './get-user.query';

@QueryHandler(GetUserQuery)
export class GetUserQueryHandler implements IQueryHandler<GetUserQuery, UserRow> {
  constructor(private readonly users: UserReadModel) {}

  async execute({ providerId, userId }: GetUserQuery): Promise<UserRow> {
    const user = await this.users.findById(providerId, userId);
    if (!user) throw ScimError.notFound(`User ${userId} not found`);
    return user;
  }
}
