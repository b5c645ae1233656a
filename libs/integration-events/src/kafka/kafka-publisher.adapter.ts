import { Kafka, logLevel, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { IntegrationMessage } from '../contracts/user-lifecycle.v1';
import type { IntegrationEventPublisher } from '../publisher.port';

export interface KafkaPublisherOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
  readonly clientId: string;
}

/**
 * kafkajs producer: idempotent, acks from all in-sync replicas, one request in flight so a retried
 * batch can never overtake the next one (per-key order across retries).
 */
export class KafkaPublisher implements IntegrationEventPublisher {
  private readonly kafka: Kafka;
  private producer?: Producer;

  constructor(
    private readonly options: KafkaPublisherOptions,
    private readonly logger: Logger,
  ) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      requestTimeout: 5_000,
      // The relay owns retries (with backoff and lag reporting); the client gives up quickly.
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 },
      logLevel: logLevel.NOTHING,
    });
  }

  async prepare(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(this.options.topic)) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic: this.options.topic, numPartitions: this.options.partitions, replicationFactor: -1 }],
        });
        this.logger.info({ topic: this.options.topic, partitions: this.options.partitions }, 'created topic');
      }
    } finally {
      await admin.disconnect();
    }
  }

  async publish(messages: readonly IntegrationMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connectedProducer();
    try {
      await producer.send({
        topic: this.options.topic,
        acks: -1,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
      });
    } catch (error) {
      // Start the next attempt from a fresh connection; a resend may duplicate (at-least-once).
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      producer.on(producer.events.DISCONNECT, () => {
        if (this.producer === producer) this.producer = undefined;
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }
}
