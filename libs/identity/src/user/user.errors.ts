import { DomainError } from '../shared/domain-error';
import type { UniqueValueKind } from './unique-value';

/** Another user of the IdP holds the value (USER_NAME_TAKEN, EXTERNAL_ID_TAKEN): `holder` names it, for a POST that may re-baseline it instead. */
export class UniqueValueTakenError extends DomainError {
  constructor(
    readonly kind: UniqueValueKind,
    readonly holder: string,
  ) {
    super(kind === 'userName' ? 'USER_NAME_TAKEN' : 'EXTERNAL_ID_TAKEN', `${kind} is already in use by another user of this identity provider`);
  }
}
