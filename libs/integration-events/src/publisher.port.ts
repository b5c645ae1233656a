import type { IntegrationMessage } from './contracts/user-lifecycle.v1';

/** Where integration events go; Kafka today, behind this port so the client library can change. */
export interface IntegrationEventPublisher {
  /** Largest message sent as is (KAFKA_MAX_MESSAGE_BYTES); the relay withholds larger ones. */
  readonly maxMessageBytes: number;
  /** Bytes the message takes on the wire, as the broker counts it against its size limit. */
  sizeOf(message: IntegrationMessage): number;
  /** Creates the topic when missing. */
  prepare(): Promise<void>;
  /**
   * Sends in order and resolves only when the broker acknowledged every message (acks from all
   * in-sync replicas). Throws MessageRefusedError when the broker refused messages for good.
   */
  publish(messages: readonly IntegrationMessage[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The broker refused what was sent, for good (not an outage): sending the same messages again
 * cannot succeed. Other failures (broker down, timeouts) are plain errors, worth retrying.
 */
export class MessageRefusedError extends Error {
  constructor(
    /** The broker's error code name, e.g. MESSAGE_TOO_LARGE. */
    readonly brokerError: string,
    /** True when the refusal is about the records themselves (size, validity), not about who sends them. */
    readonly aboutTheRecords: boolean,
    /** How many leading messages of the call the broker had acknowledged before it refused. */
    readonly acknowledged: number,
  ) {
    super(`The broker refused the messages: ${brokerError}`);
    this.name = 'MessageRefusedError';
  }
}
