import { Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Kafka publish lag as a consumer sees it: from the SCIM response that created a user to the
 * consumer receiving that user's first event on the service's topic.
 */
export class KafkaLag {
  private readonly respondedAt = new Map<string, number>();
  private readonly receivedAt = new Map<string, number>();

  private constructor(private readonly consumer: Consumer) {}

  /** Joins a new consumer group on `topic` from its beginning (the service has created the topic by the time it is ready). */
  static async follow(brokers: string, topic: string): Promise<KafkaLag> {
    const consumer = new Kafka({ clientId: 'scim-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: `scim-bench-${randomUUID()}` });
    const lag = new KafkaLag(consumer);
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { userId } = JSON.parse(message.value?.toString() ?? '{}') as { userId?: string };
        if (userId && !lag.receivedAt.has(userId)) lag.receivedAt.set(userId, performance.now());
      },
    });
    await Promise.race([joined, sleep(30_000)]);
    return lag;
  }

  responded(userId: string, at: number): void {
    this.respondedAt.set(userId, at);
  }

  /** Waits up to `waitMs` for every responded user's event; lags in ms (negative when the message came before the response) and how many never came. */
  async lags(waitMs: number): Promise<{ lags: number[]; missing: number }> {
    const deadline = performance.now() + waitMs;
    const pending = () => [...this.respondedAt.keys()].filter((id) => !this.receivedAt.has(id));
    while (pending().length > 0 && performance.now() < deadline) await sleep(50);
    const lags = [...this.respondedAt].filter(([id]) => this.receivedAt.has(id)).map(([id, at]) => this.receivedAt.get(id)! - at);
    return { lags, missing: pending().length };
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
