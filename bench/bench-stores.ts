import { createEmptyDatabase } from '@app/platform/database/create-database';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { StoreName } from './bench-options';
import type { StoreEnv } from './service-process';

/** An empty store for one service, and how to remove it afterwards. */
export interface FreshStore {
  readonly env: StoreEnv;
  remove(): Promise<void>;
}

async function onServer<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new PGlite directory under the temporary folder, or a new database on the PostgreSQL server. */
export async function freshStore(store: StoreName, serverUrl: string | undefined): Promise<FreshStore> {
  if (store === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'scim-bench-data-'));
    return { env: { DATA_DIR: join(dir, 'data') }, remove: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const url = await createEmptyDatabase(serverUrl!, 'scim_bench');
  const name = new URL(url).pathname.slice(1);
  return { env: { DATABASE_URL: url }, remove: () => onServer(serverUrl!, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

/** The server settings that decide what a commit costs: shown with every PostgreSQL figure. */
export function durabilitySettings(serverUrl: string): Promise<Record<string, string>> {
  return onServer(serverUrl, async (c) => {
    const show = async (name: string) => ((await c.query(`SHOW ${name}`)).rows[0] as Record<string, string>)[name];
    return { fsync: await show('fsync'), synchronous_commit: await show('synchronous_commit'), server_version: await show('server_version') };
  });
}
