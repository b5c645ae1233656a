import { connect, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/**
 * One TCP connection to the server, written byte by byte as a test wants it: what fetch cannot
 * send (bad request lines, huge headers, bodies that never finish) and what it cannot see (whether
 * the server closed the connection).
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private closedAt?: number;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve(void (this.closedAt = Date.now()))));
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closedAt !== undefined;
  }

  get bytesReceived(): number {
    return this.received.length;
  }

  write(data: string | Buffer): void {
    if (!this.isClosed && this.socket.writable) this.socket.write(data);
  }

  /** Sends `chunk` every `everyMs` until the connection closes or `maxChunks` were sent. */
  async dribble(chunk: string, everyMs: number, maxChunks: number): Promise<number> {
    let sent = 0;
    while (sent < maxChunks && !this.isClosed) {
      this.write(chunk);
      sent += 1;
      await delay(everyMs);
    }
    return sent;
  }

  /** Waits until the server closes the connection; false if it is still open after `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    const timer = delay(timeoutMs).then(() => false);
    return Promise.race([this.closed.then(() => true), timer]);
  }

  /** Waits for a complete response (headers and Content-Length bytes) or the close of the connection. */
  async response(timeoutMs = 10_000): Promise<RawResponse | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.received);
      if (parsed || this.isClosed || Date.now() > deadline) return parsed;
      await delay(10);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function parseResponse(bytes: Buffer): RawResponse | undefined {
  const text = bytes.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const rest = bytes.subarray(Buffer.byteLength(text.slice(0, end + 4)));
  const length = Number(headers['content-length'] ?? rest.length);
  if (rest.length < length) return undefined;
  const raw = rest.subarray(0, length).toString('utf8');
  let body: unknown = raw;
  try {
    body = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    // left as text: the test asserts on it
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** Sends one complete raw request and returns the response (the connection is closed afterwards). */
export async function rawExchange(port: number, request: string | Buffer, timeoutMs = 10_000): Promise<RawResponse | undefined> {
  const connection = await RawConnection.open(port);
  try {
    connection.write(request);
    return await connection.response(timeoutMs);
  } finally {
    connection.destroy();
  }
}

/**
 * Sends a request the way a client that reads only after writing does: the head, then the body in
 * `chunks` pieces `everyMs` apart (long enough for the server to answer from the head alone, even a
 * second late, meanwhile), and only then reads. Resolves to the response, or undefined when the
 * connection was reset before the client read it.
 */
export async function writeAllThenRead(port: number, head: string, body: Buffer, chunks = 6, everyMs = 250): Promise<RawResponse | undefined> {
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  const received: Buffer[] = [];
  socket.on('error', () => undefined);
  const closed = new Promise((resolve) => socket.once('close', resolve));
  const written = (data: string | Buffer) => new Promise<void>((resolve) => socket.write(data, () => resolve()));
  await written(head);
  const size = Math.ceil(body.length / chunks);
  for (let offset = 0; offset < body.length; offset += size) {
    await delay(everyMs);
    await written(body.subarray(offset, offset + size));
  }
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.resume();
  await Promise.race([closed, delay(10_000)]);
  socket.destroy();
  return parseResponse(Buffer.concat(received));
}
