/** A request body as the journal keeps it: JSON text without secrets, within the byte cap. */
export interface KeptBody {
  readonly text: string;
  /** Whether bytes were cut off (or levels left out) to stay within the cap. */
  readonly truncated: boolean;
}

/** Nesting written out; a parsed SCIM body is at most SCIM_MAX_JSON_DEPTH (32) deep, so deeper means a hostile input. */
const MAX_DEPTH = 64;
const TOO_DEEP = '"[nested too deep]"';

/**
 * The body as JSON text with every `password` member removed (any case, URN-qualified too, and the
 * value of a PATCH operation whose path is password), cut to `maxBytes` UTF-8 bytes on a character
 * boundary. Stops walking once the cap is passed, so a huge body costs no more than the cap.
 */
export function redactedBody(body: unknown, maxBytes: number): KeptBody | null {
  if (body === undefined) return null;
  const out = new BoundedText(maxBytes);
  write(body, out, 0);
  return out.result();
}

function write(value: unknown, out: BoundedText, depth: number): void {
  if (out.full) return;
  if (value === null || typeof value !== 'object') return out.push(scalar(value));
  if (depth >= MAX_DEPTH) {
    out.cutShort = true;
    return out.push(TOO_DEEP);
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((element, i) => {
      if (i > 0) out.push(',');
      write(element === undefined ? null : element, out, depth + 1);
    });
    return out.push(']');
  }
  const entries = Object.entries(value).filter(([key, member]) => member !== undefined && !isSecret(key));
  const secretValue = isSecretPath(value as Record<string, unknown>);
  out.push('{');
  let first = true;
  for (const [key, member] of entries) {
    if (secretValue && key.toLowerCase() === 'value') continue;
    out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    write(member, out, depth + 1);
  }
  out.push('}');
}

function scalar(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(String(value));
}

/** The attribute a member name or PATCH path names: `urn:…:User:password` and `password` alike. */
export function attributeNamed(path: string): string {
  const base = path.split('[')[0];
  return base.slice(base.lastIndexOf(':') + 1).split('.')[0].toLowerCase();
}

function isSecret(key: string): boolean {
  return attributeNamed(key) === 'password';
}

/** A PATCH operation `{"path": "password", "value": …}`: its value is the secret. */
function isSecretPath(operation: Record<string, unknown>): boolean {
  return Object.entries(operation).some(([key, path]) => key.toLowerCase() === 'path' && typeof path === 'string' && isSecret(path));
}

class BoundedText {
  private readonly chunks: string[] = [];
  private bytes = 0;
  cutShort = false;

  constructor(private readonly maxBytes: number) {}

  get full(): boolean {
    return this.bytes > this.maxBytes;
  }

  push(chunk: string): void {
    if (this.full) return;
    this.chunks.push(chunk);
    this.bytes += Buffer.byteLength(chunk);
  }

  result(): KeptBody {
    const text = this.chunks.join('');
    if (!this.full) return { text, truncated: this.cutShort };
    const bytes = Buffer.from(text);
    let end = this.maxBytes;
    // Back to the first byte of a character: a continuation byte is 10xxxxxx.
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
    return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
  }
}
