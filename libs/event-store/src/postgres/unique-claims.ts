import type { SqlExecutor } from '@app/platform/database/sql-database';
import { ClaimTakenError } from '../command-handling/unique-claim';

/** Values a write takes for `holder` (rows under the unique key of unique_claims), each also over from the stale holder named for it in `takeOver`. */
export interface ClaimsToTake {
  readonly keys: readonly string[];
  readonly holder: string;
  readonly takeOver: ReadonlyMap<string, string>;
}

/**
 * The claims' insert as a data-modifying CTE named `claims` (its rows: the keys taken), for the
 * append's first statement, so that a write pays no round trip of its own for them. Its parameters
 * start at `$first`; `source` is a one-row relation it selects from first (the appender's lock).
 * Rows are taken in key order, so two writers claiming the same values never lock them in opposite orders.
 */
export function claimsCte(claims: ClaimsToTake, first: number, source: string): { sql: string; params: unknown[] } {
  const staleHolders = Object.fromEntries(claims.keys.filter((key) => claims.takeOver.has(key)).map((key) => [key, claims.takeOver.get(key)]));
  return {
    sql: `claims AS (INSERT INTO unique_claims (claim_key, holder) SELECT key, $${first + 1}::text FROM unnest($${first}::text[]) AS key, ${source} ORDER BY key
      ON CONFLICT (claim_key) DO UPDATE SET holder = EXCLUDED.holder, claimed_at = now()
      WHERE unique_claims.holder = EXCLUDED.holder OR unique_claims.holder = $${first + 2}::jsonb ->> unique_claims.claim_key
      RETURNING claim_key)`,
    params: [claims.keys, claims.holder, JSON.stringify(staleHolders)],
  };
}

/** Takes the claims in a statement of their own. */
export async function takeClaims(tx: SqlExecutor, claims: ClaimsToTake): Promise<void> {
  if (claims.keys.length === 0) return;
  const cte = claimsCte(claims, 1, '(SELECT) AS one');
  const [{ claimed }] = await tx.query<{ claimed: string[] }>(`WITH ${cte.sql} SELECT ARRAY(SELECT claim_key FROM claims) AS claimed`, cte.params);
  await refuseUnclaimed(tx, claims, claimed);
}

/** The first value (in the command's order) not taken, as held by someone else: the refusal; the transaction rolls back the rest. */
export async function refuseUnclaimed(tx: SqlExecutor, claims: ClaimsToTake, claimed: readonly string[]): Promise<void> {
  const refused = claims.keys.find((key) => !claimed.includes(key));
  if (refused === undefined) return;
  const [row] = await tx.query<{ holder: string; claimed_at: Date }>('SELECT holder, claimed_at FROM unique_claims WHERE claim_key = $1', [refused]);
  throw new ClaimTakenError(refused, row.holder, new Date(row.claimed_at));
}
