/** What a SCIM request carried that identifies a user: searched by support, case-insensitively for mails and userNames. */
export interface RequestIdentifiers {
  /** The id in the path (`/Users/{id}`) or of the user a POST created. */
  readonly userIds: readonly string[];
  readonly userNames: readonly string[];
  /** Every email value (work and others). */
  readonly emails: readonly string[];
  readonly externalIds: readonly string[];
}

/** One SCIM request as the journal keeps it, rejected ones included. */
export interface JournalEntry {
  readonly at: Date;
  readonly requestId: string;
  /** From the URL, even when no such IdP exists. */
  readonly providerId: string | null;
  /** When the request was authenticated. */
  readonly tokenId: string | null;
  readonly clientAddress: string;
  readonly method: string;
  /** Path and query as sent, capped. */
  readonly path: string;
  readonly status: number;
  /** RFC 7644 §3.12 scimType and detail of an error answer. */
  readonly scimType: string | null;
  readonly detail: string | null;
  readonly durationMs: number;
  readonly identifiers: RequestIdentifiers;
  /** The body as JSON text, passwords removed, at most JOURNAL_BODY_MAX_BYTES bytes. */
  readonly body: string | null;
  readonly bodyTruncated: boolean;
}

/** An entry read back, with its place in the journal's order. */
export interface JournalRecord extends JournalEntry {
  readonly seq: number;
}
