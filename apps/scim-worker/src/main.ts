import { ConfigError, loadConfig } from '@app/platform/config/app-config';
import { createLogger } from '@app/platform/logging/logger';
import { observePipeline } from '@app/platform/metrics/pipeline-gauges';
import { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import { startKafkaRelay } from '@app/integration-events/start-relay';
import { openStores } from '@app/read-model/open-stores';
import { startHealthServer } from './health-server';

/**
 * The production worker: follows the event log, keeps the read model current and, when
 * KAFKA_BROKERS is set, publishes every event to Kafka. The SCIM API
 * also projects in-process for read-your-writes; both share one checkpoint row, so they never
 * apply an event twice. The embedded PGlite store belongs to one process, so this needs DATABASE_URL.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel).child({ app: 'scim-worker' });
  if (!config.databaseUrl) {
    throw new ConfigError(['scim-worker needs DATABASE_URL; in embedded mode the API runs the projector itself']);
  }
  const stores = await openStores(config, logger);
  stores.projector.start(250);
  logger.info('read-model projector running');
  const relay = config.kafka ? await startKafkaRelay(config.kafka, stores, logger) : undefined;
  const metrics = new ServiceMetrics('scim-worker');
  observePipeline(metrics, stores.events, stores.projector, relay);
  const health = await startHealthServer(stores, relay, metrics, config.host, config.workerHealthPort);
  logger.info({ health: `http://${config.host}:${config.workerHealthPort}/health/ready` }, 'health endpoint listening');
  const stop = async () => {
    logger.info('stopping');
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'not stopped within SHUTDOWN_TIMEOUT_MS; exiting anyway');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    health.close();
    await relay?.stop({ flushWithinMs: config.shutdownTimeoutMs / 2 });
    await stores.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
