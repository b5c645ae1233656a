/** Where a page of the journal ended: the (at, seq) of its last entry. */
export interface JournalCursor {
  readonly at: Date;
  readonly seq: number;
}

export function encodeCursor(cursor: JournalCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}~${cursor.seq}`).toString('base64url');
}

/** The cursor a page handed out, or undefined when `text` is not one. */
export function decodeCursor(text: string): JournalCursor | undefined {
  if (text.length > 100 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString('latin1'));
  const at = match ? new Date(match[1]) : undefined;
  return match && at && !Number.isNaN(at.getTime()) ? { at, seq: Number(match[2]) } : undefined;
}
