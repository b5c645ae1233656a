import type { KafkaConfig } from '@app/platform/config/app-config';
import { migrate } from '@app/platform/database/migrations';
import type { Stores } from '@app/read-model/open-stores';
import type { Logger } from 'pino';
import { KafkaPublisher } from './kafka/kafka-publisher.adapter';
import { IntegrationEventRelay } from './relay/integration-event-relay';
import { RELAY_MIGRATIONS } from './relay/relay.migrations';
import { SqlRelayCheckpoint } from './relay/relay-checkpoint';

/** Starts the Kafka relay over these stores, its checkpoint kept in the same database. */
export async function startKafkaRelay(kafka: KafkaConfig, stores: Stores, logger: Logger): Promise<IntegrationEventRelay> {
  await migrate(stores.db, RELAY_MIGRATIONS);
  const log = logger.child({ module: 'kafka-relay', topic: kafka.topic });
  const publisher = new KafkaPublisher(kafka, log);
  const relay = new IntegrationEventRelay(stores.events, publisher, new SqlRelayCheckpoint(stores.db, `kafka:${kafka.topic}`), log);
  relay.start();
  log.info({ brokers: kafka.brokers }, 'Kafka relay started');
  return relay;
}
