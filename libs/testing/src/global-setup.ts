import { existsSync } from 'node:fs';

/** Jest global setup: find a PostgreSQL server for the e2e suites, or say plainly why there is none. */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  if (!existsSync('/var/run/docker.sock') && !process.env.DOCKER_HOST) {
    process.stdout.write('\nPostgreSQL server runs skipped: TEST_DATABASE_URL is unset and there is no Docker engine (npm run test:all starts one).\n');
    return;
  }
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    process.env.TEST_DATABASE_URL = container.getConnectionUri();
    (globalThis as Record<string, unknown>).__POSTGRES_CONTAINER__ = container;
  } catch (error) {
    process.stdout.write(`\nPostgreSQL server runs skipped: testcontainers could not start PostgreSQL (${(error as Error).message}).\n`);
  }
}
