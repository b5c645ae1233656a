import type { KafkaConfig } from '@app/platform/config/app-config';
import { migrate } from '@app/platform/database/migrations';
import type { Stores } from '@app/read-model/open-stores';
import type { Logger } from 'pino';
import { KafkaPublisher } from './kafka/kafka-publisher.adapter';
import { IntegrationEventRelay } from './relay/integration-event-relay';
import { RELAY_MIGRATIONS } from './relay/relay.migrations';
import { SqlRelayCheckpoint } from './relay/relay-checkpoint';
import { SqlRelayDeadLetters } from './relay/relay-dead-letters';

/** Starts the Kafka relay over these stores, its checkpoint and dead letters kept in the same database. */
export async function startKafkaRelay(kafka: KafkaConfig, stores: Stores, logger: Logger): Promise<IntegrationEventRelay> {
  await migrate(stores.db, RELAY_MIGRATIONS);
  const log = logger.child({ module: 'kafka-relay', topic: kafka.topic });
  const publisher = new KafkaPublisher(kafka, log);
  const name = `kafka:${kafka.topic}`;
  const relay = new IntegrationEventRelay(stores.events, publisher, new SqlRelayCheckpoint(stores.db, name), log, {
    deadLetters: new SqlRelayDeadLetters(stores.db, name),
  });
  relay.start();
  log.info({ brokers: kafka.brokers, maxMessageBytes: kafka.maxMessageBytes }, 'Kafka relay started');
  return relay;
}
