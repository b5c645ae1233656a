import { Kafka, KafkaJSProtocolError, logLevel, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { IntegrationMessage } from '../contracts/user-lifecycle.v1';
import { IntegrationEventPublisher, MessageRefusedError } from '../publisher.port';
import { kafkaRecordBytes, RECORD_BATCH_OVERHEAD, recordBatchBytes } from './kafka-record-size';

export interface KafkaPublisherOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
  readonly clientId: string;
  /** Largest record batch sent in one request per partition (KAFKA_MAX_MESSAGE_BYTES). */
  readonly maxMessageBytes: number;
}

/** Refusals about the records themselves; other non-retriable ones (authorization, …) concern the sender. */
const RECORD_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TIMESTAMP', 'UNSUPPORTED_FOR_MESSAGE_FORMAT']);

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

  get maxMessageBytes(): number {
    return this.options.maxMessageBytes;
  }

  sizeOf(message: IntegrationMessage): number {
    return recordBatchBytes([message]);
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

  /** Sends in requests of at most maxMessageBytes, so that many messages for one partition never add up to a refusal. */
  async publish(messages: readonly IntegrationMessage[]): Promise<void> {
    let acknowledged = 0;
    for (const chunk of this.chunks(messages)) {
      const producer = await this.connectedProducer();
      try {
        await producer.send({
          topic: this.options.topic,
          acks: -1,
          messages: chunk.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
        });
      } catch (error) {
        // Start the next attempt from a fresh connection; a resend may duplicate (at-least-once).
        await this.close();
        const refusal = brokerRefusal(error);
        throw refusal ? new MessageRefusedError(refusal, RECORD_ERRORS.has(refusal), acknowledged) : error;
      }
      acknowledged += chunk.length;
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private *chunks(messages: readonly IntegrationMessage[]): Generator<IntegrationMessage[]> {
    let chunk: IntegrationMessage[] = [];
    let bytes = RECORD_BATCH_OVERHEAD;
    for (const message of messages) {
      const size = kafkaRecordBytes(message);
      if (chunk.length > 0 && bytes + size > this.options.maxMessageBytes) {
        yield chunk;
        chunk = [];
        bytes = RECORD_BATCH_OVERHEAD;
      }
      chunk.push(message);
      bytes += size;
    }
    if (chunk.length > 0) yield chunk;
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

/** The broker's error code when it answered with a non-retriable error (kafkajs may wrap it as a cause). */
function brokerRefusal(error: unknown): string | undefined {
  let e = error as (Error & { cause?: unknown }) | undefined;
  for (let depth = 0; e && depth < 5; depth += 1, e = e.cause as typeof e) {
    if (e instanceof KafkaJSProtocolError) return e.retriable ? undefined : e.type;
  }
  return undefined;
}
