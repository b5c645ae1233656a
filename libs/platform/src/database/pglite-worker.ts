import { resolve } from 'node:path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { DatabaseUnavailableError } from './database-unavailable.error';
import { PGLITE_WORKER_SCRIPT } from './pglite-worker-script';

/** What the main thread asks the worker thread; `tx` names an open transaction (see PGLITE_WORKER_SCRIPT). */
export type PgliteRequest =
  | { readonly op: 'query'; readonly sql: string; readonly params: readonly unknown[]; readonly tx?: number }
  | { readonly op: 'exec'; readonly sql: string; readonly tx?: number }
  | { readonly op: 'begin'; readonly tx: number }
  | { readonly op: 'end'; readonly tx: number; readonly commit: boolean }
  | { readonly op: 'run'; readonly module: string; readonly name: string; readonly args: unknown }
  | { readonly op: 'close' };

type ErrorFields = Record<string, unknown> & { readonly message: string };
type Reply = { readonly ready: boolean; readonly error?: ErrorFields } | { readonly id: number; readonly result?: unknown; readonly error?: ErrorFields };

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * How long the main thread may block for an answer inside a transaction instead of waiting for a
 * turn of its event loop: the transaction holds PGlite's lock, so every turn it waits stalls all
 * other queries. A short statement then finishes as it did on the main thread; a longer one goes
 * on in the background after this. Outside transactions the main thread never blocks: under load
 * from several IdPs, blocking for each lone query (up to 5 ms, as it once did) held everyone's
 * requests (15 % of the main thread's time in a noisy-neighbour run) for no throughput gain.
 */
const TRANSACTION_WAIT_MS = 20;

export interface PgliteWorkerOptions {
  /** PGlite's data directory; in memory when absent. */
  readonly dataDir?: string;
  /** The worker's JavaScript heap limit: a result too large for it ends the worker instead of the process. */
  readonly maxHeapMb: number;
}

/**
 * One PGlite instance in its own thread, so a long query never holds the event loop. Calls are
 * messages; each settles with the worker's reply. When the thread ends without close() (a crash,
 * an out-of-memory), every call in flight and every later call rejects with
 * DatabaseUnavailableError and `onCrash` hears why, once.
 */
export class PgliteWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private state: 'running' | 'closing' | 'exited' = 'running';
  private cause: Error | undefined;
  readonly startedAt = Date.now();

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
    private readonly onCrash: (cause: Error) => void,
  ) {}

  /** Starts the thread and resolves once PGlite has opened (or rejects with why it could not). */
  static start(options: PgliteWorkerOptions, onCrash: (cause: Error) => void): Promise<PgliteWorker> {
    // Resolved here, where jest or Node already knows the package, and handed over as a file path.
    const pglitePath = require.resolve('@electric-sql/pglite');
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    // Run from sources (jest), procedures' modules are TypeScript: the worker compiles them as jest does.
    const sources = __filename.endsWith('.ts') ? { swcPath: require.resolve('@swc/core'), root: resolve(__dirname, '../../../..') } : undefined;
    const worker = new Worker(PGLITE_WORKER_SCRIPT, {
      eval: true,
      workerData: { pglitePath, dataDir: options.dataDir, port: port2, signal, sources },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb },
    });
    const thread = new PgliteWorker(worker, port1, new Int32Array(signal), onCrash);
    worker.on('error', (error) => (thread.cause ??= error));
    return new Promise((resolve, reject) => {
      const starting = (reply: Reply) => {
        if (!('ready' in reply)) return;
        worker.off('exit', failedToStart);
        if (reply.ready) {
          thread.listen();
          resolve(thread);
        } else {
          port1.close();
          void worker.terminate();
          reject(reviveError(reply.error ?? { message: 'PGlite did not start' }));
        }
      };
      const failedToStart = (code: number) => {
        port1.close();
        reject(thread.cause ?? new Error(`the PGlite worker exited with code ${code} while starting`));
      };
      port1.once('message', starting);
      worker.once('exit', failedToStart);
    });
  }

  /** Sends one request; it settles with the worker's answer, or DatabaseUnavailableError if the worker dies first. */
  call<T>(request: PgliteRequest): Promise<T> {
    if (this.state !== 'running') return Promise.reject(this.state === 'exited' ? new DatabaseUnavailableError('unreachable') : new Error('The database is closing'));
    const id = this.nextId++;
    // An open transaction waits for this thread's next statement: blocking here would only delay it.
    const inTransaction = 'tx' in request && request.tx !== undefined && request.op !== 'begin';
    const answer = new Promise<T>((resolve, reject) => {
      this.port.postMessage({ id, ...request });
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      // Only a call in flight keeps the process alive, as an idle database on the main thread would not.
      if (this.pending.size === 1) this.port.ref();
    });
    if (inTransaction) this.awaitReply(id, TRANSACTION_WAIT_MS);
    return answer;
  }

  /** Closes PGlite in the worker (it writes everything out) and ends the thread. */
  async close(): Promise<void> {
    if (this.state !== 'running') return;
    try {
      await this.call({ op: 'close' });
    } finally {
      if (this.state === 'running') this.state = 'closing';
      await this.worker.terminate();
    }
  }

  private listen(): void {
    this.worker.unref();
    this.port.unref();
    this.port.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('exit', (code) => {
      const crashed = this.state === 'running';
      this.state = 'exited';
      this.port.close();
      for (const call of this.pending.values()) call.reject(crashed ? new DatabaseUnavailableError('unreachable') : new Error('The database was closed'));
      this.pending.clear();
      if (crashed) this.onCrash(this.cause ?? new Error(`the PGlite worker exited with code ${code}`));
    });
  }

  /** Takes the worker's replies as they come, for up to `waitMs`, until the one to call `id` is in. */
  private awaitReply(id: number, waitMs: number): void {
    const deadline = performance.now() + waitMs;
    while (this.pending.has(id)) {
      const seen = Atomics.load(this.signal, 0);
      const received = receiveMessageOnPort(this.port);
      if (received) {
        this.settle(received.message as Reply);
        continue;
      }
      const remainingMs = deadline - performance.now();
      if (remainingMs <= 0 || Atomics.wait(this.signal, 0, seen, remainingMs) === 'timed-out') return;
    }
  }

  private settle(reply: Reply): void {
    if (!('id' in reply)) return;
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.port.unref();
    if (reply.error) call.reject(reviveError(reply.error));
    else call.resolve(reply.result);
  }
}

/** The worker's error as an Error on this thread, with the fields PostgreSQL gave it (code, severity, constraint...). */
function reviveError(fields: ErrorFields): Error {
  return Object.assign(new Error(fields.message), fields);
}
