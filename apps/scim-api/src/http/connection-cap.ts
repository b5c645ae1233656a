import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * At most `max` connections open (HTTP_MAX_CONNECTIONS). A connection past the cap closes the one
 * that has gone longest without a request in progress (its headers still coming, or idle between
 * keep-alive requests), and is refused only when every open connection has a request in progress.
 * With Node's own cap, a client that opened the cap's worth of silent connections (or held them idle
 * between requests) shut every other tenant out until its headers or keep-alive timed out, and
 * could open them again at once; now it only pushes out its own. A request in progress is never
 * cut: those are bounded per IdP by the rate and in-flight limits, and by the request timeout.
 */
export class ConnectionCap {
  private openCount = 0;
  /** Open connections without a request in progress, longest-waiting first (a Map keeps insertion order). */
  private readonly waiting = new Map<Socket, true>();
  private readonly inProgress = new WeakMap<Socket, number>();
  private closedForOthers = 0;
  private refusedCount = 0;

  constructor(private readonly max: number) {}

  /** Takes the cap over from Node on `server` (its own maxConnections is left off). */
  watch(server: Server): void {
    server.maxConnections = Number.POSITIVE_INFINITY;
    server.on('connection', (socket: Socket) => this.opened(socket));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.requestStarted(request.socket, response));
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

  private opened(socket: Socket): void {
    if (this.openCount >= this.max) {
      const longestWaiting = this.waiting.keys().next();
      if (longestWaiting.done) {
        this.refusedCount += 1;
        socket.destroy();
        return;
      }
      this.closedForOthers += 1;
      this.forget(longestWaiting.value);
      longestWaiting.value.destroy();
    }
    this.openCount += 1;
    this.waiting.set(socket, true);
    socket.once('close', () => this.forget(socket));
  }

  private forget(socket: Socket): void {
    if (!this.inProgress.has(socket) && !this.waiting.has(socket)) return;
    this.openCount -= 1;
    this.waiting.delete(socket);
    this.inProgress.delete(socket);
  }

  private requestStarted(socket: Socket, response: ServerResponse): void {
    if (!this.waiting.delete(socket) && !this.inProgress.has(socket)) return;
    this.inProgress.set(socket, (this.inProgress.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (this.inProgress.get(socket) ?? 1) - 1;
      if (left > 0) {
        this.inProgress.set(socket, left);
        return;
      }
      // Still open: it waits for its next request, at the back of the line.
      if (this.inProgress.delete(socket) && !socket.destroyed) this.waiting.set(socket, true);
    });
  }
}
