import { ExpectedRevision } from './event-store.port';

/** The stream moved on since the decision was made: reload and decide again, or answer 412. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'noStream',
  ) {
    super(`Stream ${streamId} expected at ${String(expected)} but is at ${String(actual)}`);
    this.name = 'ConcurrencyError';
  }
}
