import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/platform/config/app-config';
import { DataDirLockedError } from '@app/platform/database/data-dir-lock';
import { createLogger } from '@app/platform/logging/logger';
import { openStores } from '@app/read-model/open-stores';
import { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { issueFirstStartAdminToken } from './admin/administrators/first-start-admin-token';
import { createDemoProviderIfEmpty, ensureProvider } from './identity-providers/provider-bootstrap';

async function main(): Promise<void> {
  const startup = startupClock();
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const opening = openStores(config, logger);
  // Nest and the HTTP app load while the stores open (PGlite compiles its WASM off the main thread).
  const { createAdminApp, createScimApp } = await import('./create-app');
  startup.lap('appCode');
  const stores = await opening;
  startup.lap('stores');
  stores.projector.start();
  const bootstrap = config.bootstrap ? await ensureProvider(stores, config.bootstrap) : undefined;
  if (bootstrap?.revokedTokenId) {
    logger.warn({ tokenId: bootstrap.revokedTokenId }, 'SCIM_BOOTSTRAP_TOKEN was revoked since it was issued: it stays revoked (remove it from the configuration)');
  }
  if (bootstrap?.retired) {
    logger.warn({ providerId: config.bootstrap?.providerId }, 'SCIM_BOOTSTRAP_PROVIDER_ID names a retired identity provider: it stays retired (remove SCIM_BOOTSTRAP_* from the configuration)');
  }
  // The demo is for a first try on the embedded store only: on a shared PostgreSQL it would be a live tenant whose secret lands in the pod's log.
  const demo = config.bootstrap || config.databaseUrl ? undefined : await createDemoProviderIfEmpty(stores);
  const firstAdmin = await issueFirstStartAdminToken(config, stores);
  startup.lap('bootstrap');
  // Embedded mode publishes in-process; with DATABASE_URL, scim-worker publishes (one lease-holder at a time).
  // Loaded only when used: kafkajs adds ~80 ms to every start-up.
  const relay = config.kafka && !config.databaseUrl ? await (await import('@app/integration-events/start-relay')).startKafkaRelay(config.kafka, stores, logger) : undefined;
  if (config.kafka && config.databaseUrl) logger.info('KAFKA_BROKERS is set: run scim-worker to publish events');
  const metrics = new ServiceMetrics('scim-api');
  let adminApp: NestFastifyApplication | undefined;
  let adminClosed: Promise<void> | undefined;
  const closeAdmin = () => (adminClosed ??= adminApp?.close() ?? Promise.resolve());
  const app = await createScimApp(config, logger, stores, relay, {
    metrics,
    // Once the server has stopped and the journal is written: what this process wrote leaves with it
    // (within a third of the shutdown time; the next lease-holder publishes the rest), then the stores close.
    afterClose: async () => {
      await closeAdmin();
      await relay?.stop({ flushWithinMs: config.shutdownTimeoutMs / 3 });
      await stores.close();
    },
  });
  const origin = config.publicBaseUrl ?? `http://${config.host}:${config.port}`;
  // With ADMIN_PORT the admin routes (and /metrics) listen apart, over the same stores; their Tenant URLs name SCIM's origin.
  adminApp = config.admin.port === undefined ? undefined : await createAdminApp(config, logger, stores, relay, origin, metrics);
  startup.lap('app');
  // Both listeners stop at the signal and drain together: one after the other, answers still being
  // sent on each (an export on the admin one) took a drain time each, past SHUTDOWN_TIMEOUT_MS.
  const stopBoth = async () => {
    closeAdmin().catch(() => undefined);
    await app.close();
  };
  stopGracefullyOnSignals({ close: stopBoth }, logger, config.shutdownTimeoutMs);
  await app.listen(config.port, config.host);
  await adminApp?.listen(config.admin.port!, config.admin.host ?? config.host);
  startup.lap('listen');
  const admin = adminApp ? `http://${config.admin.host ?? config.host}:${config.admin.port}` : origin;
  logger.info({ origin, admin: `${admin}/admin/v1`, storage: config.databaseUrl ? 'postgresql' : `pglite:${config.dataDir}`, startupMs: startup.phases }, 'SCIM ingress listening');
  if (demo) {
    // Shown once on the console, never logged: the token is a credential.
    process.stdout.write(
      `\nA demo identity provider was created.\n  Tenant URL:   ${origin}/scim/v2/enterprise-idps/${demo.providerId}\n  Secret Token: ${demo.token}\n` +
        `  Token id:     ${demo.tokenId} (to rotate or revoke it: npm run admin -- token rotate|revoke ${demo.providerId} ${demo.tokenId})\n\n`,
    );
  }
  if (firstAdmin) {
    process.stdout.write(
      `An admin token was created (shown once; set ADMIN_TOKEN to choose your own).\n  Admin Token:  ${firstAdmin.token}\n` +
        `  Try: ADMIN_TOKEN=<Admin Token> npm run admin -- idp list\n\n`,
    );
  }
}

/**
 * SIGTERM/SIGINT: stop accepting connections, finish the requests in flight, publish, close the
 * stores (the app's onClose), then exit 0; exit 1 if that takes longer than `timeoutMs`.
 */
function stopGracefullyOnSignals(app: { close(): Promise<void> }, logger: Logger, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A repeated signal (an impatient supervisor) must not cut short the requests being finished.
    if (stopping) return logger.info({ signal }, 'already stopping');
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections; finishing the requests in flight');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'not stopped within SHUTDOWN_TIMEOUT_MS; exiting anyway');
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Milliseconds per start-up phase, logged once when listening: `modules` is Node's own start and loading the code. */
function startupClock() {
  const phases: Record<string, number> = { modules: Math.round(performance.now()) };
  let mark = performance.now();
  return {
    phases,
    lap(phase: string) {
      phases[phase] = Math.round(performance.now() - mark);
      mark = performance.now();
    },
  };
}

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

main().catch((error) => {
  // A held data directory is an operator's situation, not a crash: its message names the holder.
  const reason = error instanceof DataDirLockedError ? error.message : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`SCIM ingress failed to start: ${reason}\n`);
  process.exit(1);
});
