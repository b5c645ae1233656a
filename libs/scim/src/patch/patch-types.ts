import { UserAttributes } from '../resource/user-attributes';

/** One member of a PatchOp request's `Operations` (RFC 7644 §3.5.2), as received: `op` in any case. */
export interface PatchOperation {
  readonly op: string;
  readonly path?: string;
  readonly value?: unknown;
}

/**
 * One top-level attribute whose value changed: a core name (`name`, `emails`, `active`) or
 * `<extension URN>:<attribute>` (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`).
 * A value is undefined (and the member omitted) when the attribute is absent on that side.
 */
export interface AttributeChange {
  readonly attribute: string;
  readonly oldValue?: unknown;
  readonly newValue?: unknown;
}

/** The outcome of an RFC 7644 §3.5.2 PATCH applied to stored User attributes. */
export interface PatchResult {
  /** The new stored attributes (a new object; the input is left untouched). */
  readonly attributes: UserAttributes;
  /** Each top-level attribute whose final value differs from the original, once, in a stable order. */
  readonly changes: readonly AttributeChange[];
  /** Full names that were sent but not kept: unregistered custom attributes, password, unknown sub-attributes. */
  readonly dropped: readonly string[];
}

export type PatchKind = 'add' | 'replace' | 'remove';
