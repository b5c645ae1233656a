import type { AppConfig } from '@app/platform/config/app-config';
import { compileFilter } from '@app/read-model/query/filter-to-sql';
import { compileSort } from '@app/read-model/query/sort-to-sql';
import { UserPage, UserReadModel } from '@app/read-model/store/user-read-model';
import { parseFilter } from '@app/scim/filter/filter-parser';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { APP_CONFIG } from '../../app.tokens';
import { ListUsersQuery } from './list-users.query';

@QueryHandler(ListUsersQuery)
export class ListUsersQueryHandler implements IQueryHandler<ListUsersQuery, UserPage & { startIndex: number }> {
  constructor(
    private readonly users: UserReadModel,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ providerId, schema, search, betweenBatches }: ListUsersQuery): Promise<UserPage & { startIndex: number }> {
    // RFC 7644 §3.4.2.4: startIndex below 1 means 1, a negative count means 0; we cap count at maxResults.
    const startIndex = Math.max(1, search.startIndex ?? 1);
    const count = Math.min(Math.max(0, search.count ?? this.config.maxResults), this.config.maxResults);
    const filter = search.filter !== undefined ? parseFilter(search.filter, this.config.limits) : undefined;
    const where = filter && compileFilter(schema, filter, 2);
    const orderBy = compileSort(schema, search.sortBy, search.sortOrder);
    // A filter no index narrows (or none) is read in batches: other IdPs' requests run between them.
    const scan = where === undefined || !where.narrowedByIndex;
    const page = await this.users.list(providerId, { where, orderBy, startIndex, count, scan, betweenBatches });
    return { ...page, startIndex };
  }
}
