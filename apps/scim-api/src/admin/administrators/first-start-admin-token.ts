import { CommandHandler } from '@app/event-store/command-handling/command-handler';
import { decideFirstStartAdminToken } from '@app/identity/administrator/administrator.decide';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import type { AppConfig } from '@app/platform/config/app-config';
import type { Stores } from '@app/read-model/open-stores';
import { readYourWrites } from '@app/read-model/projections/read-your-writes';
import { randomUUID } from 'node:crypto';
import { newAdminTokenSecret } from './admin-token-secret';
import { AdministratorWriter } from './administrator-writer';

/**
 * First start without ADMIN_TOKEN: one admin token, so that `npm start` then `npm run admin` works.
 * Issued only while no admin token was ever issued (decided on the administrators stream, so two
 * starters never both issue one); the caller shows the secret once.
 */
export async function issueFirstStartAdminToken(config: AppConfig, stores: Stores): Promise<{ tokenId: string; token: string } | undefined> {
  if (config.admin.tokenDigest) return undefined;
  const token = newAdminTokenSecret();
  const tokenId = randomUUID();
  const writer = new AdministratorWriter(new CommandHandler(stores.commands, [readYourWrites(stores.projector)]));
  const state = await writer.write((s) => decideFirstStartAdminToken(s, { tokenId, digest: digestToken(token), label: 'first start' }), {
    actor: { kind: 'system', name: 'first-start' },
  });
  return state.tokens.some((t) => t.tokenId === tokenId) ? { tokenId, token } : undefined;
}
