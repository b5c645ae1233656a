import { ChainVerifier, Verdict } from './chain-verifier';
import { LineSplitter } from './ndjson-lines';

/**
 * Checks an export as its bytes arrive (a file read in chunks; nothing but one line is held) and
 * stops reading at the first bad record. `expectedHead`: the hash recorded when it was exported.
 */
export async function verifyExport(chunks: AsyncIterable<Uint8Array>, expectedHead?: string): Promise<Verdict> {
  const verifier = new ExportVerifier(expectedHead);
  for await (const chunk of chunks) if (verifier.push(chunk)) break;
  return verifier.finish();
}

/** The same check fed by hand, for a reader that passes the bytes on as well (an export being saved). */
export class ExportVerifier {
  private readonly lines = new LineSplitter();
  private readonly chain: ChainVerifier;
  private failed = false;

  constructor(expectedHead?: string) {
    this.chain = new ChainVerifier(expectedHead);
  }

  /** True once a bad record was found: nothing after it changes the verdict. */
  push(chunk: Uint8Array): boolean {
    if (this.failed) return true;
    for (const line of this.lines.push(chunk)) if (this.chain.accept(line)) return (this.failed = true);
    return false;
  }

  finish(): Verdict {
    if (!this.failed) for (const line of this.lines.end()) this.chain.accept(line);
    return this.chain.finish();
  }
}
