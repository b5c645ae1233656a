import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { ConnectionCap, delayRefusal } from './connection-cap';

class FakeSocket extends EventEmitter {
  destroyed = false;
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

function capped(max: number) {
  const server = new EventEmitter() as EventEmitter & { maxConnections?: number };
  const cap = new ConnectionCap(max);
  cap.watch(server as unknown as Server);
  const connect = () => {
    const socket = new FakeSocket();
    server.emit('connection', socket);
    return socket;
  };
  /** `complete`: the request's body has all arrived (IncomingMessage.complete). */
  const request = (socket: FakeSocket, complete = true) => {
    const response = new EventEmitter();
    server.emit('request', { socket, complete }, response);
    return { end: () => response.emit('close') };
  };
  return { server, cap, connect, request };
}

describe('ConnectionCap', () => {
  it("takes the cap over from Node's own", () => {
    expect(capped(2).server.maxConnections).toBe(Number.POSITIVE_INFINITY);
  });

  it('closes the connection longest without a request in progress when a new one comes past the cap', () => {
    const { cap, connect } = capped(2);
    const [first, second] = [connect(), connect()];
    const third = connect();
    expect([first.destroyed, second.destroyed, third.destroyed]).toEqual([true, false, false]);
    expect({ open: cap.open, evicted: cap.evicted, refused: cap.refused }).toEqual({ open: 2, evicted: 1, refused: 0 });
  });

  it('never closes a connection with a request in progress; refuses the new one when all have one', () => {
    const { cap, connect, request } = capped(2);
    const [first, second] = [connect(), connect()];
    request(first);
    const third = connect();
    expect([first.destroyed, second.destroyed, third.destroyed]).toEqual([false, true, false]);
    request(third);
    expect(connect().destroyed).toBe(true);
    expect([first.destroyed, third.destroyed]).toEqual([false, false]);
    expect({ open: cap.open, refused: cap.refused }).toEqual({ open: 2, refused: 1 });
  });

  it('closes a connection that never sent a whole request before one idle between keep-alive requests, even a longer idle one', () => {
    const { connect, request } = capped(2);
    const [served, silent] = [connect(), connect()];
    request(served).end();
    connect();
    expect([served.destroyed, silent.destroyed]).toEqual([false, true]);
  });

  it('among idle connections, closes the one idle longest: a response puts its connection at the back of the line', () => {
    const { connect, request } = capped(2);
    const [first, second] = [connect(), connect()];
    request(first).end();
    request(second).end();
    request(first).end();
    connect();
    expect([first.destroyed, second.destroyed]).toEqual([false, true]);
  });

  it('counts pipelined requests: the connection waits again only when the last one ends', () => {
    const { connect, request } = capped(2);
    const [first, second] = [connect(), connect()];
    const [one, two] = [request(first), request(first)];
    request(second);
    one.end();
    expect(connect().destroyed).toBe(true);
    two.end();
    connect();
    expect(first.destroyed).toBe(true);
  });

  it('frees the place of a connection that closes, once, however it closes', () => {
    const { cap, connect, request } = capped(2);
    const first = connect();
    const exchange = request(first);
    first.destroy();
    exchange.end();
    expect(cap.open).toBe(0);
    connect();
    connect();
    expect({ open: cap.open, evicted: cap.evicted }).toEqual({ open: 2, evicted: 0 });
  });

  it('closes a connection whose request only waits to be refused before any other, until its refusal is sent', async () => {
    const { connect, request } = capped(3);
    const [idle, refusing, busy] = [connect(), connect(), connect()];
    const refusal = request(refusing);
    request(busy);
    const waited = delayRefusal(refusing as never, 20);
    connect();
    expect([idle.destroyed, refusing.destroyed, busy.destroyed]).toEqual([false, true, false]);
    await waited;
  });

  it('takes the mark off once the refusal is sent: the connection then waits at the back of the line', () => {
    const { connect, request } = capped(2);
    const [refused, idle] = [connect(), connect()];
    request(idle).end();
    const refusal = request(refused);
    void delayRefusal(refused as never, 20);
    refusal.end();
    connect();
    expect([refused.destroyed, idle.destroyed]).toEqual([false, true]);
  });

  it('closes every connection without a request in progress when the server stops, one whose body is still coming, and each one opened after; a request whose body is in keeps its own', () => {
    const { cap, connect, request } = capped(10);
    const [silent, served, working, uploading] = [connect(), connect(), connect(), connect()];
    request(served).end();
    request(working);
    request(uploading, false);
    cap.stopServing(60_000, () => undefined);
    expect([silent.destroyed, served.destroyed, working.destroyed, uploading.destroyed]).toEqual([true, true, false, true]);
    expect(connect().destroyed).toBe(true);
    expect(cap.open).toBe(1);
  });

  it('closes a connection once its answer is sent after the stop, and those of requests still in progress once the drain time is over, saying how many', () => {
    jest.useFakeTimers();
    try {
      const { cap, connect, request } = capped(10);
      const [answered, slow] = [connect(), connect()];
      const quick = request(answered);
      request(slow);
      const cut = jest.fn();
      cap.stopServing(1000, cut);
      quick.end();
      expect(answered.destroyed).toBe(true);
      jest.advanceTimersByTime(999);
      expect(slow.destroyed).toBe(false);
      jest.advanceTimersByTime(1);
      expect(slow.destroyed).toBe(true);
      expect(cut).toHaveBeenCalledWith(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
