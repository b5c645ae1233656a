import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/platform/config/app-config';
import { createLogger } from '@app/platform/logging/logger';
import { openStores } from '@app/read-model/open-stores';
import { createScimApp } from './create-app';
import { createDemoProviderIfEmpty, ensureProvider } from './identity-providers/provider-bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const stores = await openStores(config, logger);
  stores.projector.start();
  if (config.bootstrap) await ensureProvider(stores, config.bootstrap);
  const demo = config.bootstrap ? undefined : await createDemoProviderIfEmpty(stores);
  const app = await createScimApp(config, logger, stores);
  app.getHttpAdapter().getInstance().addHook('onClose', async () => stores.close());
  await app.listen(config.port, config.host);
  const origin = config.publicBaseUrl ?? `http://${config.host}:${config.port}`;
  logger.info({ origin, storage: config.databaseUrl ? 'postgresql' : `pglite:${config.dataDir}` }, 'SCIM ingress listening');
  if (demo) {
    // Shown once on the console, never logged: the token is a credential.
    process.stdout.write(
      `\nA demo identity provider was created.\n  Tenant URL:   ${origin}/scim/v2/enterprise-idps/${demo.providerId}\n  Secret Token: ${demo.token}\n\n`,
    );
  }
}

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

main().catch((error) => {
  process.stderr.write(`SCIM ingress failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
