import { DatabaseUnavailableError } from './database-unavailable.error';

/**
 * What an unavailability error says about the server, for the circuit breaker: `silent` (unreachable
 * or not answering), `answered` (alive but gave up, such as statement_timeout), `pool-wait` (no pooled
 * connection came free in time: silent only if nothing got an answer meanwhile), or `unknown`.
 */
export type ServerEvidence = 'silent' | 'answered' | 'pool-wait' | 'unknown';

/** A pg error that means the database is unavailable, as the error callers see, and what it says about the server. */
export interface Unavailability {
  readonly error: DatabaseUnavailableError;
  readonly evidence: ServerEvidence;
}

// Socket errors on the way to the server.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATEs of a server going away: admin_shutdown, crash_shutdown, cannot_connect_now (starting or stopping).
const SHUTDOWN_STATES = new Set(['57P01', '57P02', '57P03']);
// The server answered but gave up waiting: statement_timeout (57014), lock_timeout (55P03), and our session idling in a transaction (25P03).
const SERVER_TIMEOUT_STATES = new Set(['57014', '55P03', '25P03']);
// pg raises these without a code: the connection ended, a read timed out, a connect timed out.
const SILENT_MESSAGES = [/^Connection terminated/, /^Query read timeout$/, /^timeout expired$/, /is not queryable$/];
// pg-pool's wait for a free pooled connection: the server may be fine and the pool merely busy.
const POOL_WAIT_MESSAGE = /^timeout exceeded when trying to connect$/;

/**
 * Classifies a pg or pg-pool error. Only connection loss, connect failures and timeouts count;
 * SQL errors (constraints, data, syntax) are left to the caller as they are.
 */
export function pgUnavailability(error: unknown): Unavailability | undefined {
  if (error instanceof DatabaseUnavailableError) return { error, evidence: 'unknown' };
  // Duck-typed: errors from Node's sockets may come from another realm (jest's sandbox), failing instanceof Error.
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return undefined;
  const { message } = error as Error;
  const code = errorCode(error);
  if (code !== undefined && (NETWORK_CODES.has(code) || SHUTDOWN_STATES.has(code) || code.startsWith('08'))) {
    return { error: new DatabaseUnavailableError('unreachable'), evidence: 'silent' };
  }
  if (code === '53300') return { error: new DatabaseUnavailableError('unreachable'), evidence: 'answered' };
  if (code !== undefined && SERVER_TIMEOUT_STATES.has(code)) return { error: new DatabaseUnavailableError('timeout'), evidence: 'answered' };
  if (SILENT_MESSAGES.some((m) => m.test(message))) {
    const reason = /timeout|timed out/i.test(message) ? 'timeout' : 'unreachable';
    return { error: new DatabaseUnavailableError(reason), evidence: 'silent' };
  }
  if (POOL_WAIT_MESSAGE.test(message)) return { error: new DatabaseUnavailableError('timeout'), evidence: 'pool-wait' };
  return undefined;
}

// Node reports a refused connection to a name with several addresses as an AggregateError of them.
function errorCode(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const first = (error as { errors?: unknown[] }).errors?.[0] as { code?: unknown } | undefined;
  return typeof first?.code === 'string' ? first.code : undefined;
}
