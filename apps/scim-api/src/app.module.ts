import { CommandHandler } from '@app/event-store/command-handling/command-handler';
import { COMMAND_STORE } from '@app/event-store/command-handling/command-store.port';
import { EVENT_STORE } from '@app/event-store/event-store.port';
import type { AppConfig } from '@app/platform/config/app-config';
import type { Stores } from '@app/read-model/open-stores';
import { ReadModelProjector } from '@app/read-model/projections/read-model.projector';
import { readYourWrites } from '@app/read-model/projections/read-your-writes';
import { IdentityProviderDirectory } from '@app/read-model/store/identity-provider-directory';
import { UserReadModel } from '@app/read-model/store/user-read-model';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import type { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import { JournalWriter } from '@app/journal/journal-writer';
import { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import { ADMIN_CONTROLLERS, adminProviders } from './admin/admin.surface';
import { ErrorsBySurfaceFilter } from './admin/http/errors-by-surface.filter';
import { APP_CONFIG, COMMAND_HANDLER, LOGGER, RELAY, STORES } from './app.tokens';
import { ScimAuthGuard } from './auth/scim-auth.guard';
import { ScimAuthenticator } from './auth/scim-authenticator';
import { DiscoveryController } from './discovery/discovery.http.controller';
import { GroupsController } from './groups/groups.http.controller';
import { HealthController } from './health.http.controller';
import { MethodNotAllowedController } from './http/method-not-allowed.http.controller';
import { MetricsController } from './observability/metrics.http.controller';
import { observedCommandStore } from './observability/observed-command-store';
import { OpenApiController, OpenApiDocument } from './openapi/openapi.http.controller';
import { ResourceLocations } from './http/resource-locations';
import { CreateUserHandler } from './users/create-user/create-user.handler';
import { DeleteUserHandler } from './users/delete-user/delete-user.handler';
import { GetUserQueryHandler } from './users/get-user/get-user.query-handler';
import { ListUsersQueryHandler } from './users/list-users/list-users.query-handler';
import { PatchUserHandler } from './users/patch-user/patch-user.handler';
import { ReplaceUserHandler } from './users/replace-user/replace-user.handler';
import { UserWriter } from './users/shared/user-writer';
import { UsersController } from './users/users.http.controller';

const SCIM_CONTROLLERS = [UsersController, DiscoveryController, GroupsController, MethodNotAllowedController];

/**
 * What one listener serves: SCIM and the admin routes on PORT by default; with ADMIN_PORT, the
 * admin routes on a listener of their own (and SCIM's origin for the Tenant URLs they hand out).
 */
export type Surfaces = { readonly scim: true; readonly admin: boolean } | { readonly scim: false; readonly admin: true; readonly scimOrigin: string };

/** What one listener's app is built from: opened before Nest starts and handed in. */
export interface AppParts {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly stores: Stores;
  /** The in-process Kafka relay (embedded mode with KAFKA_BROKERS). */
  readonly relay?: IntegrationEventRelay;
  readonly surfaces: Surfaces;
  /** The request journal's writer, on the SCIM listener. */
  readonly journal?: JournalWriter;
  /** The process's metrics: one instance shared by its listeners, served at /metrics where admin routes are. */
  readonly metrics: ServiceMetrics;
}

/** The composition root. */
@Module({})
export class AppModule {
  static register({ config, logger, stores, relay, surfaces, journal, metrics }: AppParts): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [...(surfaces.scim ? SCIM_CONTROLLERS : []), ...(surfaces.admin ? [...ADMIN_CONTROLLERS, MetricsController] : []), HealthController, OpenApiController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: STORES, useValue: stores },
        { provide: RELAY, useValue: relay ?? null },
        { provide: JournalWriter, useValue: journal ?? null },
        { provide: ServiceMetrics, useValue: metrics },
        { provide: EVENT_STORE, useValue: stores.events },
        { provide: COMMAND_STORE, useValue: stores.commands },
        { provide: COMMAND_HANDLER, useValue: new CommandHandler(observedCommandStore(stores.commands, metrics), afterAppend(stores, relay)) },
        { provide: UserReadModel, useValue: stores.users },
        { provide: IdentityProviderDirectory, useValue: stores.providers },
        { provide: ReadModelProjector, useValue: stores.projector },
        { provide: APP_FILTER, useClass: ErrorsBySurfaceFilter },
        ...adminProviders(stores, surfaces.scim ? null : surfaces.scimOrigin),
        ResourceLocations,
        OpenApiDocument,
        ScimAuthGuard,
        ScimAuthenticator,
        UserWriter,
        CreateUserHandler,
        ReplaceUserHandler,
        PatchUserHandler,
        DeleteUserHandler,
        GetUserQueryHandler,
        ListUsersQueryHandler,
      ],
    };
  }
}

/** After a write: the read model shows it (read-your-writes), then the in-process relay starts publishing it rather than at its next poll. */
function afterAppend(stores: Stores, relay: IntegrationEventRelay | undefined) {
  const notifyRelay = async () => relay?.notify();
  return [readYourWrites(stores.projector), notifyRelay];
}
