import type { UserRow } from '@app/read-model/store/user-read-model';
import { Query } from '@nestjs/cqrs';

export class GetUserQuery extends Query<UserRow> {
  constructor(
    readonly providerId: string,
    readonly userId: string,
  ) {
    super();
  }
}
