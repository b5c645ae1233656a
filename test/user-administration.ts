import { CommandHandler } from '@app/event-store/command-handling/command-handler';
import { loadConfig } from '@app/platform/config/app-config';
import { readYourWrites } from '@app/read-model/projections/read-your-writes';
import type { ScimTestServer } from '@app/testing/scim-test-server';
import type { EventMetadata } from '@app/event-store/event-store.port';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { randomUUID } from 'node:crypto';
import { AdminProvenance, UserAdministration } from '../apps/scim-api/src/users/administration/user-administration';
import { UserWriter } from '../apps/scim-api/src/users/shared/user-writer';

/** UserAdministration over a running server's stores, built from the providers the SCIM handlers get (the admin API's HTTP route is tested with it). */
export function userAdministration(server: ScimTestServer): UserAdministration {
  const config = loadConfig({});
  const notifyRelay = async () => server.relay?.notify();
  const handler = new CommandHandler(server.stores.commands, [readYourWrites(server.stores.projector), notifyRelay]);
  return new UserAdministration(server.stores.users, server.stores.providers, new UserWriter(handler, server.stores.commands, config), config, server.origin);
}

export const ADMIN: AdminProvenance = { actor: { kind: 'admin', tokenId: 'admin-token-1', name: 'helpdesk' }, correlationId: randomUUID(), clientAddress: '127.0.0.1' };

/** The types and actors of a user's events, in stream order, as the log holds them. */
export async function userStream(server: ScimTestServer, providerId: string, userId: string): Promise<{ type: string; actor?: EventMetadata['actor']; data: unknown }[]> {
  const events = await server.stores.events.readStream(StreamIds.user(providerId, userId));
  return events.map((e) => ({ type: e.type, actor: e.metadata.actor, data: e.data }));
}
