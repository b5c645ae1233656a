/** One line of a file: its text, or why it has none. Numbered from 1. */
export type Line =
  | { readonly number: number; readonly text: string; readonly terminated: boolean }
  | { readonly number: number; readonly unreadable: string };

/** Longer lines are refused rather than buffered: an export's records are far smaller. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Splits bytes into lines on "\n" only (a "\r" is content, so a changed byte is never taken for a
 * line end) and decodes each as strict UTF-8 (a BOM stays in the text). Holds one line at most.
 */
export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private number = 0;
  /** After an overlong line nothing more is read: its end is unknown. */
  private overlong = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /** The lines that end in this chunk. */
  push(chunk: Uint8Array): Line[] {
    if (this.overlong) return [];
    const lines: Line[] = [];
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      this.hold(chunk.subarray(start, end));
      lines.push(this.take(true));
      start = end + 1;
    }
    this.hold(chunk.subarray(start));
    if (this.pendingBytes > this.maxLineBytes) {
      this.overlong = true;
      this.pending = [];
      lines.push({ number: this.number + 1, unreadable: `the line is longer than ${this.maxLineBytes} bytes` });
    }
    return lines;
  }

  /** The last line when the input does not end with "\n". */
  end(): Line[] {
    return this.pendingBytes > 0 && !this.overlong ? [this.take(false)] : [];
  }

  private hold(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  private take(terminated: boolean): Line {
    const bytes = Buffer.concat(this.pending);
    [this.pending, this.pendingBytes] = [[], 0];
    const number = ++this.number;
    try {
      return { number, text: this.decoder.decode(bytes), terminated };
    } catch {
      return { number, unreadable: 'the line is not valid UTF-8' };
    }
  }
}
