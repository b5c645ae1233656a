import type { SqlDatabase } from '@app/platform/database/sql-database';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { emailValueCondition } from '../query/email-index-sql';
import { ScanOptions, scanUsers } from './user-scan';

export interface UserRow {
  readonly userId: string;
  readonly attributes: UserAttributes;
  readonly version: number;
  readonly createdAt: Date;
  readonly lastModifiedAt: Date;
}

/** A user as an administrator finds it: also one its IdP no longer sees (awaiting re-provisioning). */
export interface AdministeredRow extends UserRow {
  readonly awaitingReprovision: boolean;
}

/** What an administrator looks a user up by: its userName or any of its emails (case-insensitively), or its externalId (exactly). */
export type UserLookup = 'userName' | 'email' | 'externalId';

export interface UserPage {
  readonly totalResults: number;
  readonly rows: readonly UserRow[];
}

/** A compiled query: a boolean SQL expression over alias `u`, its parameters, and an ORDER BY list. */
export interface UserQuery {
  readonly where?: { readonly sql: string; readonly params: readonly unknown[] };
  readonly orderBy: string;
  /** 1-based (RFC 7644 §3.4.2.4). */
  readonly startIndex: number;
  readonly count: number;
  /**
   * The filter may have to read every user of the IdP (not an indexed lookup): in user_id order
   * it is then read in batches ({@link scanUsers}), so no one statement holds the database long.
   */
  readonly scan?: boolean;
  /** Awaited before each batch of a scan but the first (the caller's yield to other work). */
  readonly betweenBatches?: () => Promise<void>;
}

/** The order without sortBy; a scan in it can go by the primary key in batches. */
const BY_USER_ID = /^u\.user_id( ASC)?$/;

interface Row {
  user_id: string;
  attributes: UserAttributes;
  version: number;
  created_at: Date;
  last_modified_at: Date;
  awaiting_reprovision?: boolean;
  total?: number;
}

const COLUMNS = 'u.user_id, u.attributes, u.version, u.created_at, u.last_modified_at';
/** The rows an IdP's SCIM reads see: its own users, less those awaiting re-provisioning (its next POST brings them back). */
const SEEN_BY_IDP = 'u.provider_id = $1 AND NOT u.awaiting_reprovision';

/** $2 of each lookup; the conditions match the read model's indexes (read-model-001 and -004). */
const LOOKUPS: Record<UserLookup, string> = {
  userName: "lower(u.attributes->>'userName') = lower($2)",
  email: emailValueCondition('$2'),
  externalId: "u.attributes->>'externalId' = $2",
};

/** Reads live users of one IdP; every query is scoped by provider id first. */
export class UserReadModel {
  constructor(
    private readonly db: SqlDatabase,
    private readonly scanOptions: ScanOptions = {},
  ) {}

  async findById(providerId: string, userId: string): Promise<UserRow | undefined> {
    const [row] = await this.db.query<Row>(`SELECT ${COLUMNS} FROM scim_users u WHERE ${SEEN_BY_IDP} AND u.user_id = $2`, [providerId, userId]);
    return row && toUserRow(row);
  }

  async list(providerId: string, query: UserQuery): Promise<UserPage> {
    if (query.scan && BY_USER_ID.test(query.orderBy)) {
      const page = await scanUsers<Row>(this.db, SEEN_BY_IDP, COLUMNS, providerId, query, { ...this.scanOptions, betweenBatches: query.betweenBatches });
      return { totalResults: page.totalResults, rows: page.rows.map(toUserRow) };
    }
    // The filter's placeholders start at $2; $1 is the provider.
    const where = query.where ? `${SEEN_BY_IDP} AND (${query.where.sql})` : SEEN_BY_IDP;
    const params = [providerId, ...(query.where?.params ?? [])];
    const [{ total }] = await this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM scim_users u WHERE ${where}`, params);
    if (query.count === 0 || query.startIndex > Number(total)) return { totalResults: Number(total), rows: [] };
    const limit = params.length + 1;
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM scim_users u WHERE ${where} ORDER BY ${query.orderBy} LIMIT $${limit} OFFSET $${limit + 1}`,
      [...params, query.count, query.startIndex - 1],
    );
    return { totalResults: Number(total), rows: rows.map(toUserRow) };
  }

  /** An administrator's lookup: every user of the IdP with that value, awaiting re-provisioning or not, oldest first. */
  async findFor(providerId: string, by: UserLookup, value: string): Promise<AdministeredRow[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS}, u.awaiting_reprovision FROM scim_users u WHERE u.provider_id = $1 AND ${LOOKUPS[by]} ORDER BY u.created_at, u.user_id`,
      [providerId, value],
    );
    return rows.map((row) => ({ ...toUserRow(row), awaitingReprovision: row.awaiting_reprovision === true }));
  }
}

function toUserRow(row: Row): UserRow {
  return {
    userId: row.user_id,
    attributes: row.attributes,
    version: Number(row.version),
    createdAt: new Date(row.created_at),
    lastModifiedAt: new Date(row.last_modified_at),
  };
}
