/**
 * A TEST DOUBLE of a subset of EventStoreDB's gRPC API, not EventStoreDB: an in-process @grpc/grpc-js
 * server that answers `event_store.client.streams.Streams` (Read, Append, BatchAppend) and
 * `event_store.client.server_features.ServerFeatures` (GetSupportedMethods) the way a single insecure
 * node does for what @eventstore/db-client 6.2.1 sends. It uses the client's own generated service
 * definitions and message classes, so the wire format is the client's. State lives in memory.
 *
 * Not covered: TLS, authentication, clusters and gossip, deletes and tombstones, stream metadata and
 * ACLs, links and projections, persistent subscriptions, size limits, `fell_behind`. A real server
 * remains the judge: the contract suite also runs against one when EVENTSTORE_CONNECTION_STRING is set.
 */
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { handleAppend, handleBatchAppend } from './esdb-append';
import { EsdbLog } from './esdb-log';
import { handleRead } from './esdb-read';

export interface EsdbTestDoubleOptions {
  /**
   * List BatchAppend in ServerFeatures, so the client appends through it as it does against 21.10 and
   * later. When false the ServerFeatures service is absent (UNIMPLEMENTED) and the client falls back to
   * Append, as against 20.x.
   * @default true
   */
  readonly batchAppend?: boolean;
}

export type Rpc = 'read' | 'append' | 'batchAppend' | 'getSupportedMethods';

export interface EsdbTestDouble {
  /** `esdb://127.0.0.1:<port>?tls=false` */
  readonly connectionString: string;
  readonly port: number;
  /** The in-memory state: inspect it, or write system events the way a server does. */
  readonly log: EsdbLog;
  /** How often each RPC was called, to show which one the client chose. */
  readonly calls: Readonly<Record<Rpc, number>>;
  /** Drops every connection and stops listening, like a crashed node; state is kept. */
  kill(): Promise<void>;
  /** Listens again on the same port with the same state, like the node coming back. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the double on 127.0.0.1 on a free port. */
export async function startEsdbTestDouble(options: EsdbTestDoubleOptions = {}): Promise<EsdbTestDouble> {
  const log = new EsdbLog();
  const live = new Set<() => void>();
  const calls: Record<Rpc, number> = { read: 0, append: 0, batchAppend: 0, getSupportedMethods: 0 };
  const batchAppend = options.batchAppend ?? true;
  const start = (port: number) => listen({ log, live, calls, batchAppend }, port);
  let server = await start(0);
  const port = server.port;
  let running = true;

  const kill = async (): Promise<void> => {
    if (!running) return;
    running = false;
    for (const close of [...live]) close();
    server.server.forceShutdown();
  };
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    log,
    calls,
    kill,
    restart: async () => {
      await kill();
      server = await start(port);
      running = true;
    },
    stop: kill,
  };
}

interface DoubleState {
  readonly log: EsdbLog;
  readonly live: Set<() => void>;
  readonly calls: Record<Rpc, number>;
  readonly batchAppend: boolean;
}

async function listen(state: DoubleState, port: number): Promise<{ server: Server; port: number }> {
  const counted = <A extends unknown[]>(rpc: Rpc, handler: (...args: A) => void) => (...args: A): void => {
    state.calls[rpc]++;
    handler(...args);
  };
  const server = new Server();
  const streams: UntypedServiceImplementation = {
    read: counted('read', handleRead(state.log, state.live)),
    append: counted('append', handleAppend(state.log)),
    batchAppend: counted('batchAppend', handleBatchAppend(state.log)),
  };
  server.addService(StreamsService, streams);
  if (state.batchAppend) server.addService(ServerFeaturesService, { getSupportedMethods: counted('getSupportedMethods', supportedMethods) });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, actual) => (error ? reject(error) : resolve(actual))),
  );
  return { server, port: bound };
}

function supportedMethods(_call: unknown, callback: (error: null, methods: SupportedMethods) => void): void {
  const service = 'event_store.client.streams.streams';
  const methods = ['read', 'append', 'batchappend'].map((name) => new SupportedMethod().setServiceName(service).setMethodName(name));
  callback(null, new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion('esdb-test-double'));
}
