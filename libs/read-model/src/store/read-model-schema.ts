import { migrate, Migration } from '@app/platform/database/migrations';
import type { SqlDatabase } from '@app/platform/database/sql-database';
import { PROJECTION_MIGRATIONS } from '../projections/projection.migrations';
import { ADMINISTRATOR_MIGRATIONS } from './administrator.migrations';
import { IDENTITY_PROVIDER_ADMIN_MIGRATIONS } from './identity-provider.migrations';
import { READ_MODEL_MIGRATIONS } from './read-model.migrations';
import { USER_ADMINISTRATION_MIGRATIONS } from './user-administration.migrations';

/**
 * Every read-model migration, in the order they are applied: the stores, the tests and the benches
 * build one schema, so a feature's new column cannot be missing from a suite that forgot its list.
 */
export const READ_MODEL_SCHEMA: readonly (readonly Migration[])[] = [
  READ_MODEL_MIGRATIONS,
  PROJECTION_MIGRATIONS,
  IDENTITY_PROVIDER_ADMIN_MIGRATIONS,
  USER_ADMINISTRATION_MIGRATIONS,
  ADMINISTRATOR_MIGRATIONS,
];

export async function migrateReadModel(db: SqlDatabase): Promise<void> {
  for (const migrations of READ_MODEL_SCHEMA) await migrate(db, migrations);
}
