import { isValidProviderId } from '@app/identity/identity-provider/provider-id';
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
  const bodyLimitBytes = int('SCIM_BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576);

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
  };
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
  return { brokers, topic, partitions, clientId: env.KAFKA_CLIENT_ID || 'traffitech-scim-ingress' };
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
