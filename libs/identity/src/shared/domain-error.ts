export type DomainErrorCode =
  | 'USER_NOT_FOUND'
  | 'USER_ALREADY_EXISTS'
  | 'USER_NAME_REQUIRED'
  | 'USER_NAME_TAKEN'
  | 'EXTERNAL_ID_TAKEN'
  | 'PROVIDER_NOT_FOUND'
  | 'PROVIDER_ALREADY_REGISTERED'
  | 'PROVIDER_ID_INVALID'
  | 'PROVIDER_RETIRED'
  | 'TOKEN_NOT_FOUND'
  | 'TOKEN_REVOKED'
  | 'TOKEN_ALREADY_ROTATED'
  | 'TOKEN_LABEL_INVALID'
  | 'TOKEN_SCOPES_INVALID'
  | 'DURATION_INVALID'
  | 'CUSTOM_ATTRIBUTE_INVALID'
  | 'CUSTOM_ATTRIBUTE_NOT_FOUND'
  | 'CUSTOM_ATTRIBUTE_ALREADY_REGISTERED'
  | 'ADMIN_TOKEN_NOT_FOUND';

/** A rule of the domain was broken; the code says which, and the HTTP layer picks the status. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
