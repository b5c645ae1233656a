/** Names of the SQLSTATE classes (PostgreSQL appendix A) a projection may meet, for logs and the quarantine. */
const SQLSTATE_CLASSES: Readonly<Record<string, string>> = {
  '08': 'connection_exception',
  '22': 'data_exception',
  '23': 'integrity_constraint_violation',
  '25': 'invalid_transaction_state',
  '40': 'transaction_rollback',
  '42': 'syntax_error_or_access_rule_violation',
  '53': 'insufficient_resources',
  '54': 'program_limit_exceeded',
  '55': 'object_not_in_prerequisite_state',
  '57': 'operator_intervention',
  '58': 'system_error',
  XX: 'internal_error',
};

/** Classes that depend on the event's values alone: projecting the same event again fails the same way. */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23', '54']);

/** What may be said about a projection error: its class and code, never its message (it may quote values). */
export interface ProjectionErrorDescription {
  /** True when retrying the same event cannot succeed; such an event is quarantined. */
  readonly permanent: boolean;
  /** The SQLSTATE class name for database errors, else the error's name (DatabaseUnavailableError, TypeError). */
  readonly errorClass: string;
  /** The SQLSTATE, or a Node error code such as ECONNRESET, when the error has one. */
  readonly errorCode?: string;
}

/**
 * Sorts a projection error into permanent (quarantine the event) or transient (fail the batch and
 * retry). Only a data or limit SQLSTATE is permanent; everything else — lost connections, timeouts,
 * serialization failures, a missing table, a bug in our code — is retried, because quarantining on
 * it would set aside every event projected while the fault lasts.
 */
export function describeProjectionError(error: unknown): ProjectionErrorDescription {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  const errorCode = typeof code === 'string' ? code : undefined;
  const sqlClass = errorCode && /^[0-9A-Z]{5}$/.test(errorCode) ? errorCode.slice(0, 2) : undefined;
  // A server error has a severity; a known class is enough, in case an adapter passes on only the code.
  if (sqlClass && (SQLSTATE_CLASSES[sqlClass] || (error as { severity?: unknown }).severity !== undefined)) {
    return { permanent: PERMANENT_SQLSTATE_CLASSES.has(sqlClass), errorClass: SQLSTATE_CLASSES[sqlClass] ?? `sqlstate_class_${sqlClass}`, errorCode };
  }
  return { permanent: false, errorClass: error instanceof Error ? error.name : typeof error, ...(errorCode ? { errorCode } : {}) };
}
