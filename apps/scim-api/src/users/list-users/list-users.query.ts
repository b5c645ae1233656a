import type { UserPage } from '@app/read-model/store/user-read-model';
import type { UserSchema } from '@app/scim/schema/user-schema';
import { Query } from '@nestjs/cqrs';
import type { SearchRequestDto } from './search-request.dto';

export class ListUsersQuery extends Query<UserPage & { startIndex: number }> {
  constructor(
    readonly providerId: string,
    readonly schema: UserSchema,
    readonly search: SearchRequestDto,
    /** Awaited between the batches of a scan (the fair turns' yield to other IdPs); none outside HTTP. */
    readonly betweenBatches?: () => Promise<void>,
  ) {
    super();
  }
}
