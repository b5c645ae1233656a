import { KafkaPublisher } from '@app/integration-events/kafka/kafka-publisher.adapter';
import { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import { InMemoryRelayCheckpoint } from '@app/integration-events/relay/relay-checkpoint';
import { ConfigError, loadConfig } from '@app/platform/config/app-config';
import { createLogger } from '@app/platform/logging/logger';
import { openStores } from '@app/read-model/open-stores';
import { parseArgs } from 'node:util';

const USAGE =
  'Usage: npm run replay -- [--after <log position, default 0 = from the start>] [--topic <topic, default KAFKA_TOPIC>]\n' +
  'The position is one a message carries as logPosition: the replay starts with the event after it.';

/**
 * Republishes the log from a position to a topic, for a downstream service that lost its state.
 * It has its own checkpoint, in memory: the live relay's is left alone.
 */
async function main(): Promise<void> {
  // Exclusive, and taken from a published logPosition: EventStoreDB positions are byte offsets, not counts.
  const { values } = parseArgs({ options: { after: { type: 'string', default: '0' }, topic: { type: 'string' } } });
  const after = Number(values.after);
  if (!Number.isSafeInteger(after) || after < 0) throw new ConfigError(['--after must be a log position (0 or more)', USAGE]);
  const config = loadConfig();
  if (!config.kafka) throw new ConfigError(['KAFKA_BROKERS is required', USAGE]);
  const logger = createLogger(config.logLevel).child({ app: 'replay' });
  const stores = await openStores(config, logger, 'cli');
  const kafka = { ...config.kafka, topic: values.topic ?? config.kafka.topic };
  const relay = new IntegrationEventRelay(stores.events, new KafkaPublisher(kafka, logger), new InMemoryRelayCheckpoint(after), logger);
  try {
    const last = await relay.drain();
    process.stdout.write(`Replayed ${relay.current.published} events (log positions after ${after}, up to ${last}) to ${kafka.topic}\n`);
  } finally {
    await relay.stop();
    await stores.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
