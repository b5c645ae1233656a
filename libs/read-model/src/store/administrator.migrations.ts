import { Migration } from '@app/platform/database/migrations';

/** Read-model tables and columns for the administrators' tokens (issue 9). */
export const ADMINISTRATOR_MIGRATIONS: readonly Migration[] = [];
