import type { AdminFeature } from '../admin-feature';
import { ConsoleIdentityProvidersController } from './console-identity-providers.http.controller';
import { ConsoleJournalController } from './console-journal.http.controller';
import { ConsoleLoginController } from './console-login.http.controller';
import { ConsoleSessions } from './console-sessions';
import { ConsoleUsersController } from './console-users.http.controller';

/** The admin console (issue 11 item 1): pages under /admin over the admin API's own route methods, with a session in place of the bearer token. */
export const ADMIN_CONSOLE: AdminFeature = {
  controllers: [ConsoleLoginController, ConsoleIdentityProvidersController, ConsoleUsersController, ConsoleJournalController],
  providers: () => [{ provide: ConsoleSessions, useValue: new ConsoleSessions() }],
};
