import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { closeLingering } from './lingering-close';

const LINGER_MS = 500;

describe('closeLingering', () => {
  let server: Server;
  let port: number;
  let discarded: number;

  beforeEach(async () => {
    discarded = 0;
    // What the HTTP server does with a refused request: answer at once, whatever the client still sends.
    server = createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('data', (chunk) => (discarded += chunk.length));
      socket.write('answer');
      closeLingering(socket, LINGER_MS);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  /** A client that keeps its side open (as one still sending does) and reports what it read and when it was closed. */
  const client = () => {
    const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    return { socket, closed, text: () => Buffer.concat(received).toString() };
  };

  it('sends the answer and a FIN, keeps reading what the client sends, and closes as soon as the client closes its side', async () => {
    const { socket, closed, text } = client();
    const ended = new Promise((resolve) => socket.once('end', resolve));
    await ended;
    const started = Date.now();
    socket.write(Buffer.alloc(65_536, 'x'));
    await delay(50);
    socket.end();
    expect((await closed) - started).toBeLessThan(LINGER_MS);
    expect(text()).toBe('answer');
    expect(discarded).toBe(65_536);
  });

  it('closes after the linger time a client that never stops sending', async () => {
    const { socket, closed, text } = client();
    const started = Date.now();
    const sending = setInterval(() => socket.writable && socket.write('x'.repeat(1024)), 20);
    try {
      const closedAt = await closed;
      expect(closedAt - started).toBeGreaterThanOrEqual(LINGER_MS - 50);
      expect(closedAt - started).toBeLessThan(LINGER_MS + 1500);
      expect(text()).toBe('answer');
    } finally {
      clearInterval(sending);
    }
  });
});
