import { loadConfig } from '@app/platform/config/app-config';
import type { UserQuery, UserReadModel } from '@app/read-model/store/user-read-model';
import { UserSchema } from '@app/scim/schema/user-schema';
import { ListUsersQuery } from './list-users.query';
import { ListUsersQueryHandler } from './list-users.query-handler';

describe('ListUsersQueryHandler', () => {
  const schema = UserSchema.withCustomAttributes([]);
  /** The query the handler hands the read model for this filter. */
  async function queryFor(filter: string | undefined): Promise<UserQuery> {
    const list = jest.fn(async () => ({ totalResults: 0, rows: [] }));
    const handler = new ListUsersQueryHandler({ list } as unknown as UserReadModel, loadConfig({}));
    await handler.execute(new ListUsersQuery('p1', schema, { filter }));
    return (list.mock.calls[0] as unknown as [string, UserQuery])[1];
  }

  it('reads every user in batches without a filter, or with one no index narrows (an eq on an attribute Entra may match on)', async () => {
    expect((await queryFor(undefined)).scan).toBe(true);
    expect((await queryFor('displayName eq "Ada"')).scan).toBe(true);
    expect((await queryFor('userName co "a"')).scan).toBe(true);
  });

  it('runs Entra\'s indexed lookups as one statement', async () => {
    expect((await queryFor('userName eq "a@example.com"')).scan).toBe(false);
    expect((await queryFor('emails[type eq "work"].value eq "a@example.com"')).scan).toBe(false);
  });
});
