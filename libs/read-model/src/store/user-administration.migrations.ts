import { Migration } from '@app/platform/database/migrations';

/** Read-model tables and columns for users awaiting re-provisioning and what an administrator cleared (issue 9). */
export const USER_ADMINISTRATION_MIGRATIONS: readonly Migration[] = [];
