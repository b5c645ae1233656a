import { setTimeout as delay } from 'node:timers/promises';

/**
 * How long a refusal is held back: from `leastMs` (RATE_LIMIT_REFUSAL_DELAY_MS) to twice that, at
 * random. A fixed delay woke every refused client of a flood at the same moment, so their next
 * requests arrived together and were worked back to back, holding other tenants' requests (bench:noisy,
 * bursts: up to 106 of A's requests within 50 ms, none in most of the others); spread over the
 * second delay they arrive as the rate allows. Never less than `leastMs`, so a client that retries
 * at once still sends at most one request per `leastMs` per connection.
 */
export function refusalDelayMs(leastMs: number, random: () => number = Math.random): number {
  return leastMs * (1 + random());
}

/** Waits {@link refusalDelayMs} (nothing when `leastMs` is 0). */
export async function holdRefusal(leastMs: number): Promise<void> {
  if (leastMs > 0) await delay(refusalDelayMs(leastMs));
}
