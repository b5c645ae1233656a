import 'reflect-metadata';
import {
  decideDisableScim,
  decideEnableScim,
  decideIssueToken,
  decideRegister,
  decideRegisterCustomAttribute,
  decideRevokeToken,
} from '@app/identity/identity-provider/identity-provider.decide';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import { ConfigError, loadConfig } from '@app/platform/config/app-config';
import { createLogger } from '@app/platform/logging/logger';
import { openStores } from '@app/read-model/open-stores';
import { randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from './identity-providers/identity-provider-writer';
import { newTokenSecret } from './identity-providers/provider-bootstrap';

const USAGE = `Usage: npm run cli -- <command> <providerId> [argument]
  register-provider <providerId> [displayName]
  enable-scim <providerId>
  disable-scim <providerId>
  issue-token <providerId>                      prints a new secret token once
  revoke-token <providerId> <tokenId>
  register-custom-attribute <providerId> <urn:...:2.0:User:Attribute>
Uses DATABASE_URL (beside running servers), or the embedded store under DATA_DIR, which must not be in use:
stop the server first (the data directory's lock names the process that holds it).`;

/** Operator commands on IdP streams, until the admin API exists. */
async function main(argv: string[]): Promise<void> {
  const [command, providerId, argument] = argv;
  if (!command || !providerId) throw new ConfigError([USAGE]);
  const config = loadConfig();
  // Embedded: the data directory's lock refuses while a server holds it; with DATABASE_URL, servers see the change through their projector.
  const stores = await openStores(config, createLogger('warn'), 'cli');
  const writer = new IdentityProviderWriter(stores, 'cli');
  try {
    switch (command) {
      case 'register-provider':
        await writer.write(providerId, (s) => decideRegister(s, providerId, argument ?? providerId));
        break;
      case 'enable-scim':
        await writer.write(providerId, decideEnableScim);
        break;
      case 'disable-scim':
        await writer.write(providerId, decideDisableScim);
        break;
      case 'issue-token': {
        const token = newTokenSecret();
        const tokenId = randomUUID();
        await writer.write(providerId, (s) => decideIssueToken(s, tokenId, digestToken(token)));
        process.stdout.write(`Token id:     ${tokenId}\nSecret Token: ${token}\n`);
        break;
      }
      case 'revoke-token':
        await writer.write(providerId, (s) => decideRevokeToken(s, argument ?? ''));
        break;
      case 'register-custom-attribute':
        await writer.write(providerId, (s) => decideRegisterCustomAttribute(s, argument ?? ''));
        break;
      default:
        throw new ConfigError([`Unknown command "${command}"`, USAGE]);
    }
    process.stdout.write(`${command}: done\n`);
  } finally {
    await stores.close();
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
