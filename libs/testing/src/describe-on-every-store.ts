import type { AppConfig } from '@app/platform/config/app-config';
import { storageTargets, StorageTarget } from './postgres-target';
import { ScimClient } from './scim-client';
import { ScimTestServer, TestProvider } from './scim-test-server';

/** What a suite body reaches: the server of the current store, and clients for its IdPs. */
export class SuiteContext {
  server!: ScimTestServer;

  constructor(
    readonly target: StorageTarget,
    private readonly providers: readonly TestProvider[],
  ) {}

  /** A client for the first IdP; made anew each time, so it follows the server across restarts. */
  get scim(): ScimClient {
    return this.client(this.providers[0]);
  }

  client(provider: TestProvider): ScimClient {
    return new ScimClient(this.server.tenantUrl(provider.providerId), provider.token);
  }
}

/** Runs one e2e suite on every store (PGlite, PostgreSQL when given, the EventStoreDB test double), one server each. */
export function describeOnEveryStore(
  title: string,
  providers: readonly TestProvider[],
  body: (suite: SuiteContext) => void,
  overrides: Partial<AppConfig> = {},
): void {
  describe.each(storageTargets().map((t) => [t.name, t] as const))(`${title} on %s`, (_name, target) => {
    const suite = new SuiteContext(target, providers);
    beforeAll(async () => {
      suite.server = await ScimTestServer.start(target, providers, undefined, overrides);
    });
    afterAll(async () => suite.server?.close());
    body(suite);
  });
}
