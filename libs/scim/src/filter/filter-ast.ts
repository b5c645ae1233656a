/** RFC 7644 §3.4.2.2 comparison operators. */
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterValue = string | number | boolean | null;

/**
 * An attribute path as written, not yet resolved against a schema (RFC 7644 §3.10 `attrPath`):
 * `[schema ":"] attribute ["." subAttribute]`. `schema` is the URN before the last colon.
 */
export interface AttributePath {
  readonly schema?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

export type Filter =
  | { readonly kind: 'compare'; readonly path: AttributePath; readonly op: CompareOperator; readonly value: FilterValue }
  | { readonly kind: 'present'; readonly path: AttributePath }
  | { readonly kind: 'and'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  /** `attr[filter]`: some element of the multi-valued (or complex) attribute matches the inner filter. */
  | { readonly kind: 'valuePath'; readonly path: AttributePath; readonly filter: Filter };

/** A PATCH target (RFC 7644 §3.5.2 `PATH`): an attribute path, optionally with a value filter and then a sub-attribute. */
export interface PatchPath {
  readonly schema?: string;
  readonly attribute: string;
  /** Elements selected by `attribute[filter]`. */
  readonly filter?: Filter;
  /** `attribute.sub` or `attribute[filter].sub`. */
  readonly subAttribute?: string;
}
