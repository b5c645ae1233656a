import type { IntegrationMessage } from './contracts/user-lifecycle.v1';

/** Where integration events go; Kafka today, behind this port so the client library can change. */
export interface IntegrationEventPublisher {
  /** Creates the topic when missing. */
  prepare(): Promise<void>;
  /** Resolves only when the broker acknowledged every message (acks from all in-sync replicas). */
  publish(messages: readonly IntegrationMessage[]): Promise<void>;
  close(): Promise<void>;
}
