import { resolve } from 'node:path';
import { DEFAULT_SCIM_LIMITS, INDEXED_STRING_LENGTH_CEILING } from '@app/scim/limits/scim-limits';
import { ConfigError, loadConfig } from './app-config';
import { digestToken } from '@app/identity/identity-provider/token-digest';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const TOKEN = 'a-random-secret-of-32-characters';
const ADMIN_TOKEN = 'an-admin-secret-of-32-characters';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      workerHealthPort: 3001,
      host: '127.0.0.1',
      dataDir: resolve('./data'),
      databaseUrl: undefined,
      eventStoreConnectionString: undefined,
      publicBaseUrl: undefined,
      bootstrap: undefined,
      logLevel: 'info',
      maxResults: 200,
      bodyLimitBytes: 262_144,
      kafka: undefined,
      limits: DEFAULT_SCIM_LIMITS,
      http: { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 72_000, maxConnections: 1024, trustProxy: false },
      rateLimits: { perTokenPerSecond: 100, perProviderPerSecond: 200, bodyBytesPerProviderPerSecond: 1_048_576, burstSeconds: 2, maxInFlightPerProvider: 16, searchesPerProviderPerSecond: 10, refusalDelayMs: 1000, paceBurstMs: 100 },
      database: { timeoutMs: 5000, poolSize: 10 },
      workSlots: 0,
      admin: { tokenDigest: undefined, port: undefined, host: undefined },
      journal: { retentionDays: 30, maxBodyBytes: 16_384, queueCapacity: 10_000 },
      shutdownTimeoutMs: 25_000,
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', PUBLIC_BASE_URL: '', LOG_LEVEL: '', SCIM_BOOTSTRAP_PROVIDER_ID: '', SCIM_BOOTSTRAP_TOKEN: '' })).toEqual(loadConfig({}));
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '8080',
        HOST: '0.0.0.0',
        DATA_DIR: '/var/lib/scim',
        DATABASE_URL: 'postgresql://scim@db:5432/scim',
        PUBLIC_BASE_URL: 'https://scim.example.com//',
        LOG_LEVEL: 'debug',
        SCIM_MAX_RESULTS: '1000',
        SCIM_BODY_LIMIT_BYTES: '2048',
        SCIM_BOOTSTRAP_PROVIDER_ID: 'entra-contoso',
        SCIM_BOOTSTRAP_TOKEN: TOKEN,
        SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: ` ${CUSTOM}:JobCode , ,${CUSTOM}:CostCode`,
        WORKER_HEALTH_PORT: '9101',
        EVENTSTORE_CONNECTION_STRING: 'esdb://esdb:2113?tls=false',
        KAFKA_BROKERS: 'k1:9092, k2:9092',
        KAFKA_TOPIC: 'users.v1',
        KAFKA_TOPIC_PARTITIONS: '12',
        KAFKA_CLIENT_ID: 'scim-prod',
        KAFKA_MAX_MESSAGE_BYTES: '500000',
        SCIM_MAX_STRING_LENGTH: '100',
        SCIM_MAX_INDEXED_STRING_LENGTH: '64',
        SCIM_MAX_RESOURCE_BYTES: '4096',
        SCIM_MAX_MULTI_VALUED_ELEMENTS: '5',
        SCIM_MAX_PATCH_OPERATIONS: '7',
        SCIM_MAX_FILTER_LENGTH: '300',
        SCIM_MAX_FILTER_NODES: '9',
        SCIM_MAX_FILTER_DEPTH: '3',
        SCIM_MAX_JSON_DEPTH: '8',
        SCIM_MAX_RESPONSE_BYTES: '100000',
        HTTP_REQUEST_TIMEOUT_MS: '2000',
        HTTP_HEADERS_TIMEOUT_MS: '1500',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '3000',
        HTTP_MAX_CONNECTIONS: '50',
        TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
        RATE_LIMIT_PER_TOKEN: '0',
        RATE_LIMIT_PER_IDP: '30',
        RATE_LIMIT_BODY_BYTES_PER_IDP: '65536',
        RATE_LIMIT_BURST_SECONDS: '5',
        SCIM_MAX_IN_FLIGHT_PER_IDP: '4',
        RATE_LIMIT_SEARCHES_PER_IDP: '0',
        RATE_LIMIT_REFUSAL_DELAY_MS: '250',
        RATE_LIMIT_PACE_BURST_MS: '0',
        DATABASE_TIMEOUT_MS: '1500',
        DATABASE_POOL_SIZE: '3',
        SCIM_WORK_SLOTS: '6',
        JOURNAL_RETENTION_DAYS: '7',
        JOURNAL_BODY_MAX_BYTES: '4096',
        JOURNAL_QUEUE_CAPACITY: '500',
        SHUTDOWN_TIMEOUT_MS: '10000',
        ADMIN_TOKEN: ADMIN_TOKEN,
        ADMIN_PORT: '9443',
        ADMIN_HOST: '10.0.0.5',
      }),
    ).toEqual({
      port: 8080,
      workerHealthPort: 9101,
      host: '0.0.0.0',
      dataDir: '/var/lib/scim',
      databaseUrl: 'postgresql://scim@db:5432/scim',
      eventStoreConnectionString: 'esdb://esdb:2113?tls=false',
      kafka: { brokers: ['k1:9092', 'k2:9092'], topic: 'users.v1', partitions: 12, clientId: 'scim-prod', maxMessageBytes: 500_000 },
      publicBaseUrl: 'https://scim.example.com',
      bootstrap: { providerId: 'entra-contoso', token: TOKEN, customAttributes: [`${CUSTOM}:JobCode`, `${CUSTOM}:CostCode`] },
      logLevel: 'debug',
      maxResults: 1000,
      bodyLimitBytes: 2048,
      limits: {
        maxStringLength: 100,
        maxIndexedStringLength: 64,
        maxResourceBytes: 4096,
        maxMultiValuedElements: 5,
        maxPatchOperations: 7,
        maxFilterLength: 300,
        maxFilterNodes: 9,
        maxFilterDepth: 3,
        maxJsonDepth: 8,
        maxResponseBytes: 100_000,
      },
      http: { requestTimeoutMs: 2000, headersTimeoutMs: 1500, keepAliveTimeoutMs: 3000, maxConnections: 50, trustProxy: '10.0.0.0/8,127.0.0.1' },
      rateLimits: { perTokenPerSecond: 0, perProviderPerSecond: 30, bodyBytesPerProviderPerSecond: 65_536, burstSeconds: 5, maxInFlightPerProvider: 4, searchesPerProviderPerSecond: 0, refusalDelayMs: 250, paceBurstMs: 0 },
      database: { timeoutMs: 1500, poolSize: 3 },
      workSlots: 6,
      admin: { tokenDigest: digestToken(ADMIN_TOKEN), port: 9443, host: '10.0.0.5' },
      journal: { retentionDays: 7, maxBodyBytes: 4096, queueCapacity: 500 },
      shutdownTimeoutMs: 10_000,
    });
  });

  it('keeps only the admin token\'s digest and names bad admin settings', () => {
    expect(JSON.stringify(loadConfig({ ADMIN_TOKEN }))).not.toContain(ADMIN_TOKEN);
    expect(problemsOf({ ADMIN_TOKEN: 'short' })).toEqual(['ADMIN_TOKEN must be at least 20 characters without spaces (use a random secret)']);
    expect(problemsOf({ ADMIN_HOST: '0.0.0.0' })).toEqual(['ADMIN_HOST needs ADMIN_PORT']);
    expect(problemsOf({ ADMIN_PORT: 'x' })).toEqual(['ADMIN_PORT must be an integer from 0 to 65535, got "x"']);
  });

  it('keeps indexed values under the btree row limit and names bad proxy settings', () => {
    expect(problemsOf({ SCIM_MAX_INDEXED_STRING_LENGTH: '2000' })).toEqual([`SCIM_MAX_INDEXED_STRING_LENGTH must be an integer from 16 to ${INDEXED_STRING_LENGTH_CEILING}, got "2000"`]);
    expect(problemsOf({ TRUST_PROXY: 'everyone' })).toEqual(['TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses or CIDRs']);
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(problemsOf({ SCIM_MAX_PATCH_OPERATIONS: '10000', SCIM_MAX_MULTI_VALUED_ELEMENTS: '1000' })).toEqual([
      'SCIM_MAX_PATCH_OPERATIONS × SCIM_MAX_MULTI_VALUED_ELEMENTS must be at most 1,000,000',
    ]);
    expect(problemsOf({ SCIM_MAX_FILTER_NODES: '5000' })).toEqual(['SCIM_MAX_FILTER_NODES must be an integer from 1 to 1000, got "5000"']);
    expect(problemsOf({ RATE_LIMIT_SEARCHES_PER_IDP: '-1' })).toEqual(['RATE_LIMIT_SEARCHES_PER_IDP must be an integer from 0 to 1000000, got "-1"']);
    expect(problemsOf({ RATE_LIMIT_SEARCHES_PER_IDP: '2.5' })).toEqual(['RATE_LIMIT_SEARCHES_PER_IDP must be an integer from 0 to 1000000, got "2.5"']);
    expect(problemsOf({ RATE_LIMIT_REFUSAL_DELAY_MS: '10001' })).toEqual(['RATE_LIMIT_REFUSAL_DELAY_MS must be an integer from 0 to 10000, got "10001"']);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
  });

  it('gives a SIGTERM 25 s by default (under Kubernetes\' 30 s grace), and names a bad SHUTDOWN_TIMEOUT_MS', () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(25_000);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '5000' }).shutdownTimeoutMs).toBe(5000);
    expect(problemsOf({ SHUTDOWN_TIMEOUT_MS: '10' })).toEqual(['SHUTDOWN_TIMEOUT_MS must be an integer from 1000 to 600000, got "10"']);
  });

  it('names a bad SCIM_WORK_SLOTS', () => {
    expect(problemsOf({ SCIM_WORK_SLOTS: '-1' })).toEqual(['SCIM_WORK_SLOTS must be an integer from 0 to 1000, got "-1"']);
    expect(problemsOf({ SCIM_WORK_SLOTS: '2.5' })).toEqual(['SCIM_WORK_SLOTS must be an integer from 0 to 1000, got "2.5"']);
  });

  it('resolves a relative DATA_DIR against the working directory', () => {
    expect(loadConfig({ DATA_DIR: 'var/scim' }).dataDir).toBe(resolve('var/scim'));
  });

  it('bootstraps a provider without token or custom attributes', () => {
    expect(loadConfig({ SCIM_BOOTSTRAP_PROVIDER_ID: 'entra' }).bootstrap).toEqual({ providerId: 'entra', token: undefined, customAttributes: [] });
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['PORT not a number', { PORT: 'http' }, 'PORT must be an integer from 0 to 65535, got "http"'],
    ['EVENTSTORE_CONNECTION_STRING not esdb', { EVENTSTORE_CONNECTION_STRING: 'http://esdb:2113' }, 'EVENTSTORE_CONNECTION_STRING must be an esdb:// or esdb+discover:// connection string'],
    ['a broker without a port', { KAFKA_BROKERS: 'kafka' }, 'KAFKA_BROKERS: "kafka" is not host:port'],
    ['a bad topic name', { KAFKA_BROKERS: 'k:9092', KAFKA_TOPIC: 'no spaces' }, 'KAFKA_TOPIC must be 1-249 characters of letters, digits, ".", "_" or "-"'],
    ['zero partitions', { KAFKA_BROKERS: 'k:9092', KAFKA_TOPIC_PARTITIONS: '0' }, 'KAFKA_TOPIC_PARTITIONS must be an integer from 1 to 1000, got "0"'],
    ['PORT too large', { PORT: '65536' }, 'PORT must be an integer from 0 to 65535, got "65536"'],
    ['PORT negative', { PORT: '-1' }, 'PORT must be an integer from 0 to 65535, got "-1"'],
    ['PORT fractional', { PORT: '80.5' }, 'PORT must be an integer from 0 to 65535, got "80.5"'],
    ['SCIM_MAX_RESULTS zero', { SCIM_MAX_RESULTS: '0' }, 'SCIM_MAX_RESULTS must be an integer from 1 to 10000, got "0"'],
    ['SCIM_BODY_LIMIT_BYTES too small', { SCIM_BODY_LIMIT_BYTES: '1023' }, 'SCIM_BODY_LIMIT_BYTES must be an integer from 1024 to 67108864, got "1023"'],
    ['DATABASE_URL of another scheme', { DATABASE_URL: 'mysql://db/scim' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    ['DATABASE_URL without scheme', { DATABASE_URL: 'db:5432/scim' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    ['PUBLIC_BASE_URL without scheme', { PUBLIC_BASE_URL: 'scim.example.com' }, 'PUBLIC_BASE_URL must be an http(s) URL'],
    ['PUBLIC_BASE_URL of another scheme', { PUBLIC_BASE_URL: 'ftp://scim.example.com' }, 'PUBLIC_BASE_URL must be an http(s) URL'],
    ['PUBLIC_BASE_URL without host', { PUBLIC_BASE_URL: 'https://' }, 'PUBLIC_BASE_URL must be an http(s) URL'],
    ['LOG_LEVEL unknown', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    ['LOG_LEVEL in capitals', { LOG_LEVEL: 'INFO' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [
      'a token without provider',
      { SCIM_BOOTSTRAP_TOKEN: TOKEN },
      'SCIM_BOOTSTRAP_TOKEN and SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES need SCIM_BOOTSTRAP_PROVIDER_ID',
    ],
    [
      'custom attributes without provider',
      { SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: `${CUSTOM}:JobCode` },
      'SCIM_BOOTSTRAP_TOKEN and SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES need SCIM_BOOTSTRAP_PROVIDER_ID',
    ],
    [
      'a provider id with a space',
      { SCIM_BOOTSTRAP_PROVIDER_ID: 'entra contoso' },
      'SCIM_BOOTSTRAP_PROVIDER_ID must be 1-128 characters of letters, digits, ".", "_" or "-"',
    ],
    [
      'a provider id starting with "-"',
      { SCIM_BOOTSTRAP_PROVIDER_ID: '-entra' },
      'SCIM_BOOTSTRAP_PROVIDER_ID must be 1-128 characters of letters, digits, ".", "_" or "-"',
    ],
    [
      'a provider id of 129 characters',
      { SCIM_BOOTSTRAP_PROVIDER_ID: 'e'.repeat(129) },
      'SCIM_BOOTSTRAP_PROVIDER_ID must be 1-128 characters of letters, digits, ".", "_" or "-"',
    ],
    [
      'a token of 19 characters',
      { SCIM_BOOTSTRAP_PROVIDER_ID: 'entra', SCIM_BOOTSTRAP_TOKEN: 'x'.repeat(19) },
      'SCIM_BOOTSTRAP_TOKEN must be at least 20 characters without spaces (use a random secret)',
    ],
    [
      'a token with a space',
      { SCIM_BOOTSTRAP_PROVIDER_ID: 'entra', SCIM_BOOTSTRAP_TOKEN: 'a random secret with spaces' },
      'SCIM_BOOTSTRAP_TOKEN must be at least 20 characters without spaces (use a random secret)',
    ],
    [
      'a plain name that is a core attribute',
      { SCIM_BOOTSTRAP_PROVIDER_ID: 'entra', SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: 'title' },
      'SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: "title" is the User attribute "title"; a custom attribute needs a name of its own',
    ],
    [
      'a standard attribute as custom attribute',
      { SCIM_BOOTSTRAP_PROVIDER_ID: 'entra', SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department' },
      'SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department" belongs to a standard schema; only extension attributes can be registered',
    ],
  ])('refuses %s', (_case, env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['PORT 0 (any free port)', { PORT: '0' }],
    ['PORT 65535', { PORT: '65535' }],
    ['a token of exactly 20 characters', { SCIM_BOOTSTRAP_PROVIDER_ID: 'entra', SCIM_BOOTSTRAP_TOKEN: 'x'.repeat(20) }],
    ['a provider id of 128 characters', { SCIM_BOOTSTRAP_PROVIDER_ID: 'E'.repeat(128) }],
    ['a postgres:// URL', { DATABASE_URL: 'postgres://localhost/scim' }],
    ['an http PUBLIC_BASE_URL with a path', { PUBLIC_BASE_URL: 'http://localhost:3000/scim/' }],
  ])('accepts %s', (_case, env) => {
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('reports every problem together in one ConfigError', () => {
    const env = {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db',
      LOG_LEVEL: 'loud',
      SCIM_BOOTSTRAP_PROVIDER_ID: 'bad id',
      SCIM_BOOTSTRAP_TOKEN: 'short',
      SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: `Job Code,${CUSTOM}:CostCode,title`,
    };
    expect(problemsOf(env)).toEqual([
      'PORT must be an integer from 0 to 65535, got "eighty"',
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      'SCIM_BOOTSTRAP_PROVIDER_ID must be 1-128 characters of letters, digits, ".", "_" or "-"',
      'SCIM_BOOTSTRAP_TOKEN must be at least 20 characters without spaces (use a random secret)',
      'SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: "Job Code" is not a custom attribute name of the form JobCode (a letter, then letters, digits, "_", "$" or "-") or urn:…:<Extension>:2.0:User:<attribute>',
      'SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: "title" is the User attribute "title"; a custom attribute needs a name of its own',
    ]);
  });

  it('lists the problems in its message, one per line', () => {
    const error = new ConfigError(['PORT is wrong', 'LOG_LEVEL is wrong']);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('Invalid configuration:\n  - PORT is wrong\n  - LOG_LEVEL is wrong');
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/^Invalid configuration:\n {2}- PORT .*\n {2}- LOG_LEVEL /);
  });
});
