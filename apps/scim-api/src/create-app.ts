import type { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import { JOURNAL_MIGRATIONS } from '@app/journal/journal.migrations';
import { JournalPruner } from '@app/journal/journal-pruner';
import { JournalStore } from '@app/journal/journal-store';
import { JournalWriter } from '@app/journal/journal-writer';
import type { AppConfig } from '@app/platform/config/app-config';
import { migrate } from '@app/platform/database/migrations';
import { observePipeline } from '@app/platform/metrics/pipeline-gauges';
import { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import type { Stores } from '@app/read-model/open-stores';
import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AdminAuthenticator } from './admin/auth/admin-authenticator';
import { authenticateAdmins } from './admin/auth/admin-authentication.hook';
import { boundAdminBodies } from './admin/http/admin-body-bounds.hook';
import { guardConsole } from './admin/console/console-gate';
import { ConsoleSessions } from './admin/console/console-sessions';
import { answerFrameworkErrorsBySurface } from './admin/http/framework-errors-by-surface';
import { AppModule, Surfaces } from './app.module';
import { authenticateBeforeBody } from './auth/scim-authentication.hook';
import { ScimAuthenticator } from './auth/scim-authenticator';
import { answerClientErrorsAsScim } from './http/client-error.handler';
import { ConnectionCap } from './http/connection-cap';
import { httpServerOptions, ROUTE_PARAM_MAX_LENGTH } from './http/http-server-options';
import { answerUnmetExpectationsAsScim } from './http/unmet-expectation.handler';
import { FairTurns } from './http/rate-limits/fair-turns';
import { workInFairTurns, workSlots } from './http/rate-limits/fair-turns.hook';
import { ScimRateLimits } from './http/rate-limits/scim-rate-limits';
import { rationSearches } from './http/rate-limits/searches.hook';
import { SCIM_CONTENT_TYPE } from './http/scim-exception.filter';
import { acceptScimJsonBodies } from './http/scim-json-body';
import { journalFrameworkErrors } from './journal/framework-errors.journal';
import { journalScimRequests } from './journal/journal.hooks';
import { answerWithRequestId } from './journal/request-id.hook';
import { measureRequests } from './observability/request-metrics.hook';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { OpenApiDocument } from './openapi/openapi.http.controller';
import { isScimUrl, providerIdOfUrl } from './journal/scim-url';
import type { ScimRequest } from './auth/scim-auth.guard';

/** What a process hands the apps it serves besides its stores. */
export interface ProcessParts {
  /**
   * Runs on close once the server has stopped and the request journal is written (an onClose hook
   * added after start-up would run before both): close an admin app, the relay and the stores there.
   */
  readonly afterClose?: () => Promise<void>;
  /** The process's metrics; with ADMIN_PORT, the same instance goes to both apps (it is served where the admin routes are). */
  readonly metrics?: ServiceMetrics;
}

/**
 * Builds the HTTP app exactly as main.ts serves it (the e2e tests use this too), on Fastify as
 * the service's issue chose it for throughput: SCIM, and the admin routes unless ADMIN_PORT gives
 * them their own listener ({@link createAdminApp}).
 */
export async function createScimApp(
  config: AppConfig,
  logger: Logger,
  stores: Stores,
  relay?: IntegrationEventRelay,
  parts: ProcessParts = {},
): Promise<NestFastifyApplication> {
  // Closing the SCIM app ends the process's work (main.ts does it on SIGTERM); whoever serves admin routes apart closes that app in afterClose.
  return createApp(config, logger, stores, relay, { scim: true, admin: config.admin.port === undefined }, parts);
}

/** The admin routes alone, for ADMIN_PORT: over the same stores, handing out Tenant URLs at `scimOrigin`. */
export function createAdminApp(
  config: AppConfig,
  logger: Logger,
  stores: Stores,
  relay: IntegrationEventRelay | undefined,
  scimOrigin: string,
  metrics?: ServiceMetrics,
): Promise<NestFastifyApplication> {
  return createApp(config, logger, stores, relay, { scim: false, admin: true, scimOrigin }, { metrics });
}

async function createApp(
  config: AppConfig,
  logger: Logger,
  stores: Stores,
  relay: IntegrationEventRelay | undefined,
  surfaces: Surfaces,
  parts: ProcessParts,
): Promise<NestFastifyApplication> {
  await migrate(stores.db, JOURNAL_MIGRATIONS);
  // The SCIM listener journals its requests; an admin-only listener only searches the journal.
  const journal = surfaces.scim ? new JournalWriter(new JournalStore(stores.db), { capacity: config.journal.queueCapacity }, logger.child({ module: 'request-journal' })) : undefined;
  const metrics = parts.metrics ?? new ServiceMetrics('scim-api');
  // The figures of the pipeline this process runs, once per process: with the SCIM app (the one with a journal).
  if (journal) observeProcess(metrics, stores, relay, journal);
  const adapter = new FastifyAdapter({
    // Entra may send /users or /Users; RFC 7644 resource endpoints are matched case-insensitively here.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: ROUTE_PARAM_MAX_LENGTH },
    bodyLimit: config.bodyLimitBytes,
    // X-Forwarded-* is a client's word unless the operator names the proxies that set it.
    trustProxy: config.http.trustProxy,
    ...httpServerOptions(config.http),
    clientErrorHandler: answerClientErrorsAsScim(logger),
    frameworkErrors: journalFrameworkErrors(answerFrameworkErrorsBySurface(logger), journal, config.journal),
    genReqId: () => crypto.randomUUID(),
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register({ config, logger, stores, relay, surfaces, journal, metrics }), adapter, {
    logger: nestLogger(logger),
    // Nest's own parsers, added at init after configureApp's, would take application/json past the
    // JSON depth limit and make a form body a SCIM user: the parsers are acceptScimJsonBodies' and the console's.
    bodyParser: false,
  });
  const connections = new ConnectionCap(config.http.maxConnections);
  connections.watch(app.getHttpServer());
  if (journal) observeConnections(metrics, connections);
  // Registered before init (Fastify takes no hooks once ready); runs before the server stops listening.
  // Requests in flight get half of SHUTDOWN_TIMEOUT_MS; the journal, the relay (a third) and the stores the rest.
  const drainMs = config.shutdownTimeoutMs / 2;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preClose', async () =>
      connections.stopServing(drainMs, (cut) => logger.warn({ connections: cut, drainMs }, 'closed connections whose requests were still in progress at the stop')),
    );
  configureApp(app, config, logger, stores, journal, metrics, parts.afterClose);
  await app.init();
  app.get(OpenApiDocument).publish(buildOpenApiDocument(app));
  answerUnmetExpectationsAsScim(app.getHttpServer());
  return app;
}

function configureApp(
  app: NestFastifyApplication,
  config: AppConfig,
  logger: Logger,
  stores: Stores,
  journal: JournalWriter | undefined,
  metrics: ServiceMetrics,
  afterClose: (() => Promise<void>) | undefined,
): void {
  const fastify = app.getHttpAdapter().getInstance();
  measureRequests(fastify, metrics);
  const rateLimits = new ScimRateLimits(config.rateLimits);
  if (journal) observePacing(metrics, rateLimits);
  // onClose hooks run last-registered first: afterClose (closing the stores) after the journal is written.
  if (afterClose) fastify.addHook('onClose', afterClose);
  answerWithRequestId(fastify);
  if (journal) journalWithRetention(fastify, journal, config, stores, logger);
  // First: an admin request, answered or admitted here, is no SCIM request to the hooks after it.
  authenticateAdmins(fastify, app.get(AdminAuthenticator), logger, config.rateLimits.refusalDelayMs);
  boundAdminBodies(fastify, config.limits);
  authenticateBeforeBody(fastify, app.get(ScimAuthenticator), rateLimits, logger);
  rationSearches(fastify, rateLimits, config.limits, logger);
  workInFairTurns(fastify, new FairTurns(workSlots(config)));
  acceptScimJsonBodies(fastify, config.limits);
  // After the JSON parsers are set: it adds the console's form parser.
  guardConsole(fastify, app.get(ConsoleSessions), app.get(AdminAuthenticator));
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/scim/')) reply.header('Content-Type', SCIM_CONTENT_TYPE);
    return payload;
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const providerId = isScimUrl(request.url) ? ((request as ScimRequest).scimCaller?.providerId ?? providerIdOfUrl(request.url)) : undefined;
    logger.info(
      { requestId: request.id, providerId, method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request completed',
    );
  });
}

function observeProcess(metrics: ServiceMetrics, stores: Stores, relay: IntegrationEventRelay | undefined, journal: JournalWriter): void {
  observePipeline(metrics, stores.events, stores.projector, relay);
  metrics.gauge('scim_journal_dropped_entries', 'Request journal entries dropped since start (queue full or database failing): support loses their trace', () => journal.dropped);
  metrics.gauge('scim_journal_queued_entries', 'Request journal entries waiting to be written', () => journal.queued);
}

function observePacing(metrics: ServiceMetrics, rateLimits: ScimRateLimits): void {
  metrics.gauge('scim_paced_requests', 'SCIM requests since start that waited to start spaced at their token\'s or IdP\'s rate (RATE_LIMIT_PACE_BURST_MS): a client sending in clumps', () => rateLimits.paced.requests);
  metrics.gauge('scim_paced_seconds', 'Seconds those requests waited, summed since start', () => rateLimits.paced.seconds);
}

function observeConnections(metrics: ServiceMetrics, connections: ConnectionCap): void {
  metrics.gauge('scim_http_connections_open', 'Connections open to the SCIM listener (at most HTTP_MAX_CONNECTIONS)', () => connections.open);
  metrics.gauge('scim_http_connections_evicted', 'Connections closed since start, at the cap, to make room for a newer one: the one longest without a request in progress', () => connections.evicted);
  metrics.gauge('scim_http_connections_refused', 'Connections refused since start at the cap because every open one had a request in progress: alert on any', () => connections.refused);
}

/** How long the stop waits for the entries of requests whose connections it closed (their onResponse runs after the server's close). */
const JOURNAL_LAST_ENTRIES_MS = 1_000;

/** Every SCIM request journaled; entries past the retention period pruned in the background; what is queued written on close. */
function journalWithRetention(fastify: FastifyInstance, journal: JournalWriter, config: AppConfig, stores: Stores, logger: Logger): void {
  const journaled = journalScimRequests(fastify, journal, config.journal);
  const pruner = new JournalPruner(new JournalStore(stores.db), { retentionDays: config.journal.retentionDays }, logger.child({ module: 'request-journal' }));
  pruner.start();
  fastify.addHook('onClose', async () => {
    await journaled.recorded(JOURNAL_LAST_ENTRIES_MS);
    await pruner.stop();
    await journal.close();
  });
}

function nestLogger(logger: Logger): LoggerService {
  const child = logger.child({ module: 'nest' });
  return {
    log: (message: unknown) => child.debug(String(message)),
    error: (message: unknown, trace?: string) => child.error({ trace }, String(message)),
    warn: (message: unknown) => child.warn(String(message)),
    debug: (message: unknown) => child.debug(String(message)),
    verbose: (message: unknown) => child.trace(String(message)),
  };
}
