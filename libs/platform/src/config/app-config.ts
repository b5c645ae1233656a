import { digestToken } from '@app/identity/identity-provider/token-digest';
import { isValidProviderId } from '@app/identity/identity-provider/provider-id';
import { LIMIT_VARIABLES } from '@app/scim/limits/limit-detail';
import { DEFAULT_SCIM_LIMITS, INDEXED_STRING_LENGTH_CEILING, ScimLimits } from '@app/scim/limits/scim-limits';
import { parseCustomAttributeName } from '@app/scim/schema/user-schema';
import { isAbsolute, resolve } from 'node:path';

export interface BootstrapProvider {
  readonly providerId: string;
  readonly token?: string;
  readonly customAttributes: readonly string[];
}

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
  readonly clientId: string;
  /** Largest message the relay sends as is; a larger event goes out as a compact notification. */
  readonly maxMessageBytes: number;
}

/** Timeouts and caps of the HTTP server itself. */
export interface HttpConfig {
  /** Whole request, headers and body included, from the first byte. */
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Open connections at once; more are refused at the socket. */
  readonly maxConnections: number;
  /** Fastify's trustProxy: false (default), true, a hop count, or addresses/CIDRs of trusted proxies. */
  readonly trustProxy: boolean | number | string;
}

/** Per-token and per-IdP request rates (token buckets holding `burstSeconds` of the rate); 0 turns one off. */
export interface RateLimitConfig {
  readonly perTokenPerSecond: number;
  readonly perProviderPerSecond: number;
  /** Request body bytes per second per IdP: what parsing and checking bodies may cost. */
  readonly bodyBytesPerProviderPerSecond: number;
  readonly burstSeconds: number;
  /** SCIM requests of one IdP being served at once; more answer 429. */
  readonly maxInFlightPerProvider: number;
  /**
   * Searches per second per IdP: list requests without a filter or whose filter is not `eq`
   * comparisons joined by `and` (what Entra sends), and .search. 0: off.
   */
  readonly searchesPerProviderPerSecond: number;
  /** Requests of a token or IdP that come together beyond this many ms of its rate start paced at that rate; 0: off. */
  readonly paceBurstMs: number;
  /** How late refusals a client gets for free (unknown route or IdP, bad token, 429) are sent. */
  readonly refusalDelayMs: number;
}

/** How long the service waits on PostgreSQL before it answers 503. */
export interface DatabaseConfig {
  /** Connect, statement, lock and client-side query timeout. */
  readonly timeoutMs: number;
  readonly poolSize: number;
}

/** The administrator plane (/admin/v1): its bootstrap credential and, optionally, a listener of its own. */
export interface AdminConfig {
  /** ADMIN_TOKEN: the first administrator's secret; only its SHA-256 digest is kept. */
  readonly tokenDigest?: string;
  /** ADMIN_PORT: serve /admin/v1 on this port only (not on PORT); absent: on PORT beside SCIM. */
  readonly port?: number;
  /** ADMIN_HOST: the admin listener's address when ADMIN_PORT is set (default: HOST). */
  readonly host?: string;
}

/** The request journal: every SCIM request, kept apart from the event log for support. */
export interface JournalConfig {
  /** JOURNAL_RETENTION_DAYS: entries older than this are pruned. */
  readonly retentionDays: number;
  /** JOURNAL_BODY_MAX_BYTES: the request body is kept up to this many bytes (cut beyond, and marked so). */
  readonly maxBodyBytes: number;
  /** JOURNAL_QUEUE_CAPACITY: entries waiting to be written; beyond it new ones are dropped and counted. */
  readonly queueCapacity: number;
}

/** Everything the service reads from its environment, validated once at start. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** scim-worker's health endpoint (it serves no SCIM). */
  readonly workerHealthPort: number;
  /** Embedded PGlite data directory, used when no databaseUrl is set. */
  readonly dataDir: string;
  readonly databaseUrl?: string;
  /** `esdb://…`: the event log in EventStoreDB; the read model stays in PostgreSQL or PGlite. */
  readonly eventStoreConnectionString?: string;
  readonly publicBaseUrl?: string;
  readonly bootstrap?: BootstrapProvider;
  readonly logLevel: string;
  /** Most resources one list response carries (ServiceProviderConfig filter.maxResults). */
  readonly maxResults: number;
  readonly bodyLimitBytes: number;
  /** Publishing to Kafka is on when KAFKA_BROKERS is set. */
  readonly kafka?: KafkaConfig;
  readonly limits: ScimLimits;
  readonly http: HttpConfig;
  readonly rateLimits: RateLimitConfig;
  readonly database: DatabaseConfig;
  /**
   * SCIM_WORK_SLOTS: admitted SCIM requests at work at once over all IdPs, after their body is read;
   * one IdP takes at most half (at least one). 0: automatic (see workSlots in the SCIM API).
   */
  readonly workSlots: number;
  readonly admin: AdminConfig;
  readonly journal: JournalConfig;
  /**
   * SHUTDOWN_TIMEOUT_MS: after SIGTERM, how long requests in flight (at most half of it: then their
   * connections are closed), the relay's last publishing and closing the stores may take before the
   * process exits anyway (under Kubernetes' 30 s grace).
   */
  readonly shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The documented default topic for user lifecycle events (see the AsyncAPI document). */
const DEFAULT_TOPIC = 'traffitech.scim.user-lifecycle.v1';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return value;
  };
  const port = int('PORT', 3000, 0, 65535);
  const workerHealthPort = int('WORKER_HEALTH_PORT', 3001, 0, 65535);
  const maxResults = int('SCIM_MAX_RESULTS', 200, 1, 10_000);
  // Four times the largest resource (SCIM_MAX_RESOURCE_BYTES): room for a PatchOp around it, while a hostile body costs little to parse.
  const bodyLimitBytes = int('SCIM_BODY_LIMIT_BYTES', 262_144, 1024, 64 * 1_048_576);

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  const eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING || undefined;
  if (eventStoreConnectionString && !/^esdb(\+discover)?:\/\//.test(eventStoreConnectionString)) {
    problems.push('EVENTSTORE_CONNECTION_STRING must be an esdb:// or esdb+discover:// connection string');
  }
  const publicBaseUrl = env.PUBLIC_BASE_URL?.replace(/\/+$/, '') || undefined;
  if (publicBaseUrl && !/^https?:\/\/[^\s/]+/.test(publicBaseUrl)) problems.push('PUBLIC_BASE_URL must be an http(s) URL');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const bootstrap = loadBootstrap(env, problems);
  const kafka = loadKafka(env, problems, int);
  const limits = loadLimits(int, problems);
  const http: HttpConfig = {
    requestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    headersTimeoutMs: int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 1000, 600_000),
    keepAliveTimeoutMs: int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1000, 600_000),
    maxConnections: int('HTTP_MAX_CONNECTIONS', 1024, 1, 1_000_000),
    trustProxy: parseTrustProxy(env.TRUST_PROXY, problems),
  };
  const rateLimits: RateLimitConfig = {
    perTokenPerSecond: int('RATE_LIMIT_PER_TOKEN', 100, 0, 1_000_000),
    perProviderPerSecond: int('RATE_LIMIT_PER_IDP', 200, 0, 1_000_000),
    bodyBytesPerProviderPerSecond: int('RATE_LIMIT_BODY_BYTES_PER_IDP', 1_048_576, 0, 1 << 30),
    burstSeconds: int('RATE_LIMIT_BURST_SECONDS', 2, 1, 3600),
    maxInFlightPerProvider: int('SCIM_MAX_IN_FLIGHT_PER_IDP', 16, 0, 100_000),
    // Each search may scan the IdP's users; Entra only looks users up with eq filters, so it never meets this.
    searchesPerProviderPerSecond: int('RATE_LIMIT_SEARCHES_PER_IDP', 10, 0, 1_000_000),
    // Entra's few requests in flight fit well inside 100 ms of 100/s; a client hammering at its limit starts evenly spaced.
    paceBurstMs: int('RATE_LIMIT_PACE_BURST_MS', 100, 0, 60_000),
    // A client that retries a refusal at once then sends one request a second per connection, not as many as we can refuse.
    refusalDelayMs: int('RATE_LIMIT_REFUSAL_DELAY_MS', 1000, 0, 10_000),
  };
  const database: DatabaseConfig = {
    timeoutMs: int('DATABASE_TIMEOUT_MS', 5000, 100, 600_000),
    poolSize: int('DATABASE_POOL_SIZE', 10, 1, 1000),
  };
  const workSlots = int('SCIM_WORK_SLOTS', 0, 0, 1000);
  const admin = loadAdmin(env, problems, int);
  const shutdownTimeoutMs = int('SHUTDOWN_TIMEOUT_MS', 25_000, 1000, 600_000);
  const journal: JournalConfig = {
    retentionDays: int('JOURNAL_RETENTION_DAYS', 30, 1, 3650),
    maxBodyBytes: int('JOURNAL_BODY_MAX_BYTES', 16_384, 0, 1_048_576),
    queueCapacity: int('JOURNAL_QUEUE_CAPACITY', 10_000, 1, 1_000_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  const dataDir = env.DATA_DIR || './data';
  return {
    port,
    workerHealthPort,
    host: env.HOST || '127.0.0.1',
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    databaseUrl,
    eventStoreConnectionString,
    publicBaseUrl,
    bootstrap,
    logLevel,
    maxResults,
    bodyLimitBytes,
    kafka,
    limits,
    http,
    rateLimits,
    database,
    workSlots,
    admin,
    journal,
    shutdownTimeoutMs,
  };
}

function loadAdmin(
  env: NodeJS.ProcessEnv,
  problems: string[],
  int: (name: string, fallback: number, min: number, max: number) => number,
): AdminConfig {
  const token = env.ADMIN_TOKEN || undefined;
  if (token !== undefined && (token.length < 20 || /\s/.test(token))) {
    problems.push('ADMIN_TOKEN must be at least 20 characters without spaces (use a random secret)');
  }
  const port = env.ADMIN_PORT ? int('ADMIN_PORT', 0, 0, 65535) : undefined;
  const host = env.ADMIN_HOST || undefined;
  if (host && !port) problems.push('ADMIN_HOST needs ADMIN_PORT');
  return { tokenDigest: token && digestToken(token), port, host };
}

function loadLimits(
  int: (name: string, fallback: number, min: number, max: number) => number,
  problems: string[],
): ScimLimits {
  const d = DEFAULT_SCIM_LIMITS;
  const limit = (key: keyof ScimLimits, min: number, max: number) => int(LIMIT_VARIABLES[key], d[key], min, max);
  const limits: ScimLimits = {
    maxStringLength: limit('maxStringLength', 16, 1_048_576),
    maxIndexedStringLength: limit('maxIndexedStringLength', 16, INDEXED_STRING_LENGTH_CEILING),
    maxResourceBytes: limit('maxResourceBytes', 1024, 16 * 1_048_576),
    maxMultiValuedElements: limit('maxMultiValuedElements', 1, 10_000),
    maxPatchOperations: limit('maxPatchOperations', 1, 10_000),
    maxFilterLength: limit('maxFilterLength', 64, 1_048_576),
    // The filter evaluators and the SQL compiler recurse once per node: keep chains far from the stack limit.
    maxFilterNodes: limit('maxFilterNodes', 1, 1000),
    maxFilterDepth: limit('maxFilterDepth', 1, 1000),
    maxJsonDepth: limit('maxJsonDepth', 4, 1000),
    maxResponseBytes: limit('maxResponseBytes', 65_536, 1 << 30),
  };
  // Their product is the PATCH work budget (element visits per request): it must still bound something.
  if (limits.maxPatchOperations * limits.maxMultiValuedElements > PATCH_WORK_CEILING) {
    problems.push(`SCIM_MAX_PATCH_OPERATIONS × SCIM_MAX_MULTI_VALUED_ELEMENTS must be at most ${PATCH_WORK_CEILING.toLocaleString('en')}`);
  }
  return limits;
}

const PATCH_WORK_CEILING = 1_000_000;

/** TRUST_PROXY: unset or "false" trusts no proxy; "true", a hop count, or comma-separated addresses/CIDRs. */
function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  if (/^[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*$/.test(value)) return value.replace(/\s+/g, '');
  problems.push('TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses or CIDRs');
  return false;
}

const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

function loadKafka(
  env: NodeJS.ProcessEnv,
  problems: string[],
  int: (name: string, fallback: number, min: number, max: number) => number,
): KafkaConfig | undefined {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  const partitions = int('KAFKA_TOPIC_PARTITIONS', 6, 1, 1000);
  if (brokers.length === 0) return undefined;
  for (const broker of brokers) if (!BROKER.test(broker)) problems.push(`KAFKA_BROKERS: "${broker}" is not host:port`);
  const topic = env.KAFKA_TOPIC || DEFAULT_TOPIC;
  if (!TOPIC.test(topic)) problems.push('KAFKA_TOPIC must be 1-249 characters of letters, digits, ".", "_" or "-"');
  const maxMessageBytes = int('KAFKA_MAX_MESSAGE_BYTES', 1_000_000, 1024, 100 * 1_048_576);
  return { brokers, topic, partitions, clientId: env.KAFKA_CLIENT_ID || 'traffitech-scim-ingress', maxMessageBytes };
}

function loadBootstrap(env: NodeJS.ProcessEnv, problems: string[]): BootstrapProvider | undefined {
  const providerId = env.SCIM_BOOTSTRAP_PROVIDER_ID || undefined;
  const token = env.SCIM_BOOTSTRAP_TOKEN || undefined;
  const customAttributes = (env.SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!providerId) {
    if (token || customAttributes.length > 0) {
      problems.push('SCIM_BOOTSTRAP_TOKEN and SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES need SCIM_BOOTSTRAP_PROVIDER_ID');
    }
    return undefined;
  }
  if (!isValidProviderId(providerId)) problems.push('SCIM_BOOTSTRAP_PROVIDER_ID must be 1-128 characters of letters, digits, ".", "_" or "-"');
  if (token !== undefined && (token.length < 20 || /\s/.test(token))) {
    problems.push('SCIM_BOOTSTRAP_TOKEN must be at least 20 characters without spaces (use a random secret)');
  }
  for (const name of customAttributes) {
    try {
      parseCustomAttributeName(name);
    } catch (error) {
      problems.push(`SCIM_BOOTSTRAP_CUSTOM_ATTRIBUTES: ${(error as Error).message}`);
    }
  }
  return { providerId, token, customAttributes };
}
