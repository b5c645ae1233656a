import { KafkaPublisher } from '@app/integration-events/kafka/kafka-publisher.adapter';
import { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import { InMemoryRelayCheckpoint } from '@app/integration-events/relay/relay-checkpoint';
import { ConfigError, loadConfig } from '@app/platform/config/app-config';
import { createLogger } from '@app/platform/logging/logger';
import { openStores } from '@app/read-model/open-stores';
import { parseArgs } from 'node:util';

const USAGE = 'Usage: npm run replay -- [--from <log position, default 1>] [--topic <topic, default KAFKA_TOPIC>]';

/**
 * Republishes the log from a position to a topic, for a downstream service that lost its state.
 * It has its own checkpoint, in memory: the live relay's is left alone.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string', default: '1' }, topic: { type: 'string' } } });
  const from = Number(values.from);
  if (!Number.isInteger(from) || from < 1) throw new ConfigError([`--from must be a log position of 1 or more`, USAGE]);
  const config = loadConfig();
  if (!config.kafka) throw new ConfigError(['KAFKA_BROKERS is required', USAGE]);
  const logger = createLogger(config.logLevel).child({ app: 'replay' });
  const stores = await openStores(config, logger);
  const kafka = { ...config.kafka, topic: values.topic ?? config.kafka.topic };
  const relay = new IntegrationEventRelay(stores.events, new KafkaPublisher(kafka, logger), new InMemoryRelayCheckpoint(from - 1), logger);
  try {
    const last = await relay.drain();
    process.stdout.write(`Replayed ${relay.current.published} events (log positions ${from}..${last}) to ${kafka.topic}\n`);
  } finally {
    await relay.stop();
    await stores.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
