import { Migration } from '@app/platform/database/migrations';

/** Read-model tables and columns for users awaiting re-provisioning and what an administrator cleared (issue 9). */
export const USER_ADMINISTRATION_MIGRATIONS: readonly Migration[] = [
  {
    // A user awaiting re-provisioning keeps its row (the admin still finds it) but no SCIM read of its IdP returns it.
    id: 'user-admin-001-awaiting-reprovision',
    sql: `ALTER TABLE scim_users ADD COLUMN awaiting_reprovision boolean NOT NULL DEFAULT false;`,
  },
];
