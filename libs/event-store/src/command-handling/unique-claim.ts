import type { TypedEvent } from './typed-stream';

/**
 * A value one stream holds exclusively (a userName per IdP). `key` names it without spelling the
 * value; stores that keep claims as reservation streams (EventStoreDB) record `reserved` and
 * `released` there, SQL stores keep a row under a unique index instead.
 */
export interface UniqueClaim {
  readonly key: string;
  readonly reserved: TypedEvent;
  readonly released: TypedEvent;
}

/** The value is held by another holder: the write is refused, or, when the claim is stale, retried with a take-over. */
export class ClaimTakenError extends Error {
  constructor(
    readonly key: string,
    readonly holder: string,
    readonly claimedAt: Date,
  ) {
    super(`Claim ${key} is held by another holder`);
    this.name = 'ClaimTakenError';
  }
}
