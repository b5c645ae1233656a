import type { ScimLimits } from '@app/scim/limits/scim-limits';
import type { PatchOperation } from '@app/scim/patch/apply-patch';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import type { UserSchema } from '@app/scim/schema/user-schema';

export interface ProvisionUser {
  readonly providerId: string;
  readonly userId: string;
  readonly attributes: UserAttributes;
}

export interface ReplaceUser {
  readonly attributes: UserAttributes;
}

export interface PatchUser {
  readonly schema: UserSchema;
  readonly operations: readonly PatchOperation[];
  /** Bounds the PATCH's work (operations × elements) and its paths. */
  readonly limits: ScimLimits;
}
