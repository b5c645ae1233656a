/**
 * PostgreSQL could not be reached, or did not answer within the configured timeout: the caller may
 * retry. Raised by the SQL adapters instead of the driver's error, so no layer above has to know
 * pg's or PGlite's error shapes; it carries no SQL and no parameters (they may hold user values).
 */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'timeout',
    readonly retryAfterSeconds = 5,
  ) {
    super(`database ${reason}`);
    this.name = 'DatabaseUnavailableError';
  }
}
