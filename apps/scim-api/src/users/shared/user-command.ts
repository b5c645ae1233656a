import type { UserSchema } from '@app/scim/schema/user-schema';
import type { Provenance } from './event-metadata';

/** What every user command carries: plain data taken from the request, never the request itself. */
export interface UserCommandInput {
  readonly providerId: string;
  /** The User schema as this IdP sees it (its custom attributes included). */
  readonly schema: UserSchema;
  /** The SCIM body as received (bounded and normalised by the handler). */
  readonly body: unknown;
  readonly provenance: Provenance;
}
