import { setTimeout as delay } from 'node:timers/promises';

/** Retries an assertion until it passes or the time is up (then its last failure is thrown). */
export async function eventually(check: () => void | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (check() !== false) return;
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await delay(20);
  }
}
