import 'reflect-metadata';
import { createAdminApp, createScimApp } from '../../../apps/scim-api/src/create-app';
import { ensureProvider } from '../../../apps/scim-api/src/identity-providers/provider-bootstrap';
import { startKafkaRelay } from '@app/integration-events/start-relay';
import type { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import { AppConfig, KafkaConfig, loadConfig } from '@app/platform/config/app-config';
import { createLogger } from '@app/platform/logging/logger';
import { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import { openStores, Stores } from '@app/read-model/open-stores';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { StorageTarget } from './postgres-target';

/** For clients that go faster than any IdP would (fuzzers, benchmarks): no rate or in-flight limits. */
export const NO_RATE_LIMITS: AppConfig['rateLimits'] = {
  perTokenPerSecond: 0,
  perProviderPerSecond: 0,
  bodyBytesPerProviderPerSecond: 0,
  burstSeconds: 1,
  maxInFlightPerProvider: 0,
  searchesPerProviderPerSecond: 0,
  refusalDelayMs: 0,
  paceBurstMs: 0,
};

export interface TestProvider {
  readonly providerId: string;
  readonly token: string;
  readonly customAttributes?: readonly string[];
}

/** A real server on 127.0.0.1 over real stores, built exactly as main.ts builds it. */
export class ScimTestServer {
  /** Every log line the server wrote, to assert what is (not) logged. */
  readonly logLines: string[] = [];
  private app?: NestFastifyApplication;
  private adminApp?: NestFastifyApplication;
  stores!: Stores;
  /** The data directory start() made for it, removed on close. */
  private ownDataDir?: string;
  /** The in-process Kafka relay, when started with a Kafka configuration (embedded mode). */
  relay?: IntegrationEventRelay;
  origin = '';
  /** Where /admin/v1 is served: `origin`, or the admin listener's when the configuration gives it a port (admin.port, 0 for any free one). */
  adminOrigin = '';

  private constructor(
    private readonly config: AppConfig,
    private readonly eventLog?: { stop(): Promise<void> },
  ) {}

  /** `overrides` change the configuration the way environment variables would (limits, timeouts, rates). */
  static async start(
    target: StorageTarget,
    providers: readonly TestProvider[] = [],
    kafka?: KafkaConfig,
    overrides: Partial<AppConfig> = {},
  ): Promise<ScimTestServer> {
    const databaseUrl = target.freshDatabase ? await target.freshDatabase() : undefined;
    const dataDir = databaseUrl ? ':memory:' : mkdtempSync(join(tmpdir(), 'scim-test-'));
    const eventLog = target.freshEventStore ? await target.freshEventStore() : undefined;
    const defaults = loadConfig({});
    const config: AppConfig = {
      ...defaults,
      // The documented limits, but refusals answered at once: suites check hundreds of 401s and 404s; the delay's own tests set it.
      rateLimits: { ...defaults.rateLimits, refusalDelayMs: 0 },
      port: 0,
      workerHealthPort: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl,
      eventStoreConnectionString: eventLog?.connectionString,
      logLevel: 'info',
      maxResults: 50,
      kafka,
      ...overrides,
    };
    const server = new ScimTestServer(config, eventLog);
    if (config.dataDir === dataDir && dataDir !== ':memory:') server.ownDataDir = dataDir;
    else if (dataDir !== ':memory:') rmSync(dataDir, { recursive: true, force: true });
    await server.open();
    for (const provider of providers) await ensureProvider(server.stores, { customAttributes: [], ...provider });
    return server;
  }

  /** A second API instance on the same PostgreSQL database: what horizontal scaling looks like. */
  async startSibling(): Promise<ScimTestServer> {
    if (!this.config.databaseUrl) throw new Error('Only a PostgreSQL server is shared between instances; PGlite serves one process');
    const sibling = new ScimTestServer(this.config);
    await sibling.open();
    return sibling;
  }

  /** The PostgreSQL database this server uses, if it runs on a server rather than PGlite. */
  get databaseUrl(): string | undefined {
    return this.config.databaseUrl;
  }

  tenantUrl(providerId: string): string {
    return `${this.origin}/scim/v2/enterprise-idps/${providerId}`;
  }

  /** Stops and starts again on the same stores: what a process restart does. */
  async restart(): Promise<void> {
    await this.stop();
    await this.open();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.eventLog?.stop();
    // Each embedded server's data directory is about 64 MB: a suite run would otherwise leave gigabytes behind.
    if (this.ownDataDir) rmSync(this.ownDataDir, { recursive: true, force: true });
  }

  private async stop(): Promise<void> {
    await this.adminApp?.close();
    await this.app?.close();
    await this.relay?.stop();
    await this.stores.close();
  }

  private async open(): Promise<void> {
    const sink = new Writable({
      write: (chunk, _encoding, done) => {
        this.logLines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger(this.config.logLevel, sink);
    this.stores = await openStores(this.config, logger);
    this.relay = this.config.kafka ? await startKafkaRelay(this.config.kafka, this.stores, logger) : undefined;
    // One metrics instance per process, as main.ts has it: with ADMIN_PORT, /metrics on the admin listener counts SCIM's requests.
    const metrics = new ServiceMetrics('scim-api');
    this.app = await createScimApp(this.config, logger, this.stores, this.relay, { metrics });
    await this.app.listen(this.config.port, this.config.host);
    this.origin = originOf(this.app);
    this.adminApp = this.config.admin.port === undefined ? undefined : await createAdminApp(this.config, logger, this.stores, this.relay, this.config.publicBaseUrl ?? this.origin, metrics);
    await this.adminApp?.listen(this.config.admin.port!, this.config.admin.host ?? this.config.host);
    this.adminOrigin = this.adminApp ? originOf(this.adminApp) : this.origin;
  }
}

function originOf(app: NestFastifyApplication): string {
  const address = app.getHttpServer().address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}
