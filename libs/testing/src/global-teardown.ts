/** Stops the PostgreSQL container the global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  const container = (globalThis as Record<string, unknown>).__POSTGRES_CONTAINER__ as { stop(): Promise<unknown> } | undefined;
  await container?.stop();
}
