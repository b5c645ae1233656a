import type { CommandHandler } from '@app/event-store/command-handling/command-handler';
import type { Stores } from '@app/read-model/open-stores';
import { AdministratorDirectory } from '@app/read-model/store/administrator-directory';
import type { Provider, Type } from '@nestjs/common';
import { COMMAND_HANDLER, SCIM_ORIGIN } from '../app.tokens';
import { IdentityProviderWriter } from '../identity-providers/identity-provider-writer';
import { UserAdministration } from '../users/administration/user-administration';
import { EVENT_LOG_EXPORT_ADMIN } from './audit/export.admin';
import { READ_MODEL_REBUILD_ADMIN } from './audit/rebuild.admin';
import { ADMIN_CONSOLE } from './console/console.admin';
import { REQUEST_JOURNAL_ADMIN } from './journal/journal.admin';
import { AdminTokensController } from './administrators/admin-tokens.http.controller';
import { AdministratorWriter } from './administrators/administrator-writer';
import { AdminAuthenticator } from './auth/admin-authenticator';
import { CustomAttributesController } from './identity-providers/custom-attributes.http.controller';
import { IdentityProviderViews } from './identity-providers/identity-provider-views';
import { IdentityProvidersController } from './identity-providers/identity-providers.http.controller';
import { TenantUrls } from './identity-providers/tenant-urls';
import { TokensController } from './identity-providers/tokens.http.controller';
import { AdminUsersController } from './users/admin-users.http.controller';
import { UserHistory } from './users/user-history';
import { UserHistoryController } from './users/user-history.http.controller';

/** Issue 10's support and audit routes, each slice in its own folder. */
const FEATURES = [REQUEST_JOURNAL_ADMIN, READ_MODEL_REBUILD_ADMIN, EVENT_LOG_EXPORT_ADMIN, ADMIN_CONSOLE];

/** The /admin/v1 routes. */
export const ADMIN_CONTROLLERS: Type[] = [
  IdentityProvidersController,
  TokensController,
  CustomAttributesController,
  AdminUsersController,
  UserHistoryController,
  AdminTokensController,
  ...FEATURES.flatMap((feature) => feature.controllers),
];

/**
 * What the admin routes (and the admin hook, which every listener registers) are built from.
 * @param scimOrigin where SCIM is served when the admin routes have a listener of their own, else null.
 */
export function adminProviders(stores: Stores, scimOrigin: string | null): Provider[] {
  return [
    { provide: SCIM_ORIGIN, useValue: scimOrigin },
    { provide: AdministratorDirectory, useValue: new AdministratorDirectory(stores.db) },
    { provide: AdministratorWriter, useFactory: (handler: CommandHandler) => new AdministratorWriter(handler), inject: [COMMAND_HANDLER] },
    { provide: IdentityProviderWriter, useValue: new IdentityProviderWriter(stores, 'admin') },
    AdminAuthenticator,
    TenantUrls,
    IdentityProviderViews,
    UserAdministration,
    UserHistory,
    ...FEATURES.flatMap((feature) => feature.providers(stores)),
  ];
}
