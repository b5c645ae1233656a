import type { SqlDatabase } from '@app/platform/database/sql-database';

/** An admin token as administrators see it: never its digest. */
export interface AdminTokenSummary {
  readonly tokenId: string;
  readonly label: string;
  readonly issuedAt: string;
  readonly revoked: boolean;
}

/** The admin tokens projected from the administrators stream. */
export class AdministratorDirectory {
  constructor(private readonly db: SqlDatabase) {}

  /** The live (not revoked) admin token with this SHA-256 digest. */
  async findLiveToken(digest: string): Promise<{ tokenId: string; label: string } | undefined> {
    const [row] = await this.db.query<{ token_id: string; label: string }>('SELECT token_id, label FROM admin_tokens WHERE digest = $1 AND NOT revoked', [digest]);
    return row && { tokenId: row.token_id, label: row.label };
  }

  async listTokens(): Promise<AdminTokenSummary[]> {
    const rows = await this.db.query<{ token_id: string; label: string; issued_at: Date | string; revoked: boolean }>(
      'SELECT token_id, label, issued_at, revoked FROM admin_tokens ORDER BY issued_at, token_id',
    );
    return rows.map((r) => ({ tokenId: r.token_id, label: r.label, issuedAt: new Date(r.issued_at).toISOString(), revoked: r.revoked }));
  }
}
