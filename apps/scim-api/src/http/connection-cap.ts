import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** The cap that counts each connection, so that a hook can mark its own without being handed the cap. */
const capOfConnection = new WeakMap<Socket, ConnectionCap>();

/**
 * Waits `ms` before a refusal is sent (RATE_LIMIT_REFUSAL_DELAY_MS), its connection first in line
 * to be closed at the cap meanwhile. Counted as a request in progress, a flood of refused requests
 * (bad tokens, unknown tenants, past a limit) held every connection for the whole delay and, at the
 * cap, shut other tenants out (1,100 clients resending bad tokens: 6 in 71 of another tenant's
 * lookups lost); a refusal cut short loses its client nothing it was going to get.
 */
export async function delayRefusal(socket: Socket, ms: number): Promise<void> {
  if (ms <= 0) return;
  capOfConnection.get(socket)?.waitsToRefuse(socket);
  await delay(ms);
}

/**
 * At most `max` connections open (HTTP_MAX_CONNECTIONS). A connection past the cap closes another
 * one, and is refused only when every open connection has a request in progress. With Node's own
 * cap, a client that opened the cap's worth of silent connections shut every other tenant out
 * until its headers timed out, and could open them again at once; now it only pushes out its own.
 * The one closed, longest-waiting first in each line:
 * 1. a connection whose request only waits to be refused ({@link delayRefusal});
 * 2. one that never sent a whole request (its headers still coming, or nothing);
 * 3. one idle between keep-alive requests: a client that was served, such as Entra, keeps its
 *    connection through a flood of silent ones.
 * A request in progress is never cut: those are bounded per IdP by the rate and in-flight limits,
 * and by the request timeout.
 */
export class ConnectionCap {
  private openCount = 0;
  /** Connections without a request in progress, in the order they are closed at the cap (a Map keeps insertion order). */
  private readonly refusing = new Map<Socket, true>();
  private readonly neverServed = new Map<Socket, true>();
  private readonly idle = new Map<Socket, true>();
  private readonly inProgress = new WeakMap<Socket, number>();
  /** Every connection open, to close what is left when the drain time after a stop is over. */
  private readonly sockets = new Set<Socket>();
  /** The requests in progress, to find at a stop those whose body has not all arrived. */
  private readonly requests = new Set<IncomingMessage>();
  private closedForOthers = 0;
  private refusedCount = 0;
  private stopping = false;

  constructor(private readonly max: number) {}

  /** Takes the cap over from Node on `server` (its own maxConnections is left off). */
  watch(server: Server): void {
    server.maxConnections = Number.POSITIVE_INFINITY;
    // server.close() calls it: Node's closes a connection whose answer is ended but still being sent
    // (a large page to a client that reads slowly), cutting the answer short; see stopServing.
    server.closeIdleConnections = () => this.closeWithoutRequest();
    server.on('connection', (socket: Socket) => this.opened(socket));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.requestStarted(request, response));
  }

  /** Connections open now. */
  get open(): number {
    return this.openCount;
  }

  /** Connections closed since start to make room for a newer one. */
  get evicted(): number {
    return this.closedForOthers;
  }

  /** Connections refused since start because every open one had a request in progress. */
  get refused(): number {
    return this.refusedCount;
  }

  /**
   * The server stops: closes every connection without a request in progress, and any that opens
   * from now on, and every connection whose request's body has not all arrived (nothing of it was
   * worked on yet; the client retries it elsewhere); a request whose body is in is answered and its
   * connection closed after it (Fastify's `Connection: close` while closing). Node's server.close()
   * closes the connections idle between requests but waits for the others, and stops enforcing the
   * request timeout: a single silent connection (a load balancer's or a client pool's spare), or one
   * body sent slowly, held SIGTERM past SHUTDOWN_TIMEOUT_MS, so the process exited 1 with the journal
   * and the relay unflushed. So may a request still in progress after `drainMs` (an answer to a
   * client that reads it slowly, an export): its connection is closed then, `onCut` told how many.
   * Until then an answer being sent is left to finish (Node's server.close() cut it at once), and
   * each connection is closed as soon as its answer has been sent.
   */
  stopServing(drainMs: number, onCut: (connections: number) => void): void {
    this.stopping = true;
    this.closeWithoutRequest();
    for (const request of this.requests) if (!request.complete) request.socket.destroy();
    setTimeout(() => {
      const busy = [...this.sockets];
      for (const socket of busy) socket.destroy();
      if (busy.length > 0) onCut(busy.length);
    }, drainMs).unref();
  }

  private closeWithoutRequest(): void {
    for (const line of [this.neverServed, this.idle]) for (const socket of [...line.keys()]) socket.destroy();
  }

  /** The connection's request only waits for its refusal to be sent ({@link delayRefusal}). */
  waitsToRefuse(socket: Socket): void {
    if (this.inProgress.has(socket)) this.refusing.set(socket, true);
  }

  private opened(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    if (this.openCount >= this.max) {
      const closable = [this.refusing, this.neverServed, this.idle].map((line) => line.keys().next()).find((first) => !first.done);
      if (!closable) {
        this.refusedCount += 1;
        socket.destroy();
        return;
      }
      this.closedForOthers += 1;
      this.forget(closable.value);
      closable.value.destroy();
    }
    this.openCount += 1;
    this.sockets.add(socket);
    this.neverServed.set(socket, true);
    capOfConnection.set(socket, this);
    socket.once('close', () => this.forget(socket));
  }

  private forget(socket: Socket): void {
    this.sockets.delete(socket);
    if (!this.inProgress.delete(socket) && !this.neverServed.delete(socket) && !this.idle.delete(socket)) return;
    this.openCount -= 1;
    this.refusing.delete(socket);
    this.neverServed.delete(socket);
    this.idle.delete(socket);
  }

  private requestStarted(request: IncomingMessage, response: ServerResponse): void {
    const socket = request.socket;
    if (!this.neverServed.delete(socket) && !this.idle.delete(socket) && !this.inProgress.has(socket)) return;
    this.inProgress.set(socket, (this.inProgress.get(socket) ?? 0) + 1);
    this.requests.add(request);
    response.once('close', () => {
      this.requests.delete(request);
      this.refusing.delete(socket);
      const left = (this.inProgress.get(socket) ?? 1) - 1;
      if (left > 0) {
        this.inProgress.set(socket, left);
        return;
      }
      // Still open: it waits for its next request, at the back of the idle line (none comes once the server stops).
      if (this.inProgress.delete(socket) && !socket.destroyed) this.idle.set(socket, true);
      if (this.stopping) this.closeWithoutRequest();
    });
  }
}
