/** A key column; `lower` matches it case-insensitively (as its unique index does). */
export interface KeyColumn {
  readonly column: string;
  readonly lower?: boolean;
}

/** A projected table: how a live row finds its rebuilt row, and what a report names it by. */
export interface ComparedTable {
  readonly name: string;
  readonly key: readonly KeyColumn[];
  /** The columns a difference is reported by: the key, unless the key is a secret's digest. */
  readonly shown: readonly string[];
}

const key = (...columns: string[]): KeyColumn[] => columns.map((column) => ({ column }));

/**
 * Every table the projections build, compared row by row. A table a new migration adds must be
 * named here or in UNCOMPARED_TABLES (a spec checks the read-model schema against both lists).
 */
export const COMPARED_TABLES: readonly ComparedTable[] = [
  { name: 'scim_users', key: key('provider_id', 'user_id'), shown: ['provider_id', 'user_id'] },
  { name: 'identity_providers', key: key('provider_id'), shown: ['provider_id'] },
  // Matched by the token's digest (its identity in the projection); reported by IdP and token id.
  { name: 'scim_tokens', key: key('digest'), shown: ['provider_id', 'token_id'] },
  { name: 'idp_custom_attributes', key: [{ column: 'provider_id' }, { column: 'name', lower: true }], shown: ['provider_id', 'name'] },
  { name: 'admin_tokens', key: key('token_id'), shown: ['token_id'] },
];

/** The projections' bookkeeping: where each projector stands and what it quarantined, not what the log says. */
export const UNCOMPARED_TABLES: readonly string[] = ['projection_checkpoints', 'projection_failures', 'projected_streams'];
