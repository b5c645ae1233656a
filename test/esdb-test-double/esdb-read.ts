import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { randomUUID } from 'node:crypto';
import { type ServerWritableStream, status } from '@grpc/grpc-js';
import { EsdbLog, StoredEvent } from './esdb-log';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;
type Options = ReadReq.Options;
const { StreamOptionCase, CountOptionCase, ReadDirection } = ReadReq.Options;
const { RevisionOptionCase } = ReadReq.Options.StreamOptions;
const { AllOptionCase } = ReadReq.Options.AllOptions;

/**
 * `Streams.Read`: reads of one stream, reads of `$all` from a position with an optional filter, and
 * catch-up subscriptions (confirmation, history, `caught_up`, then live events and filter checkpoints).
 * Live subscriptions register their closer in `live`, so killing the double ends them. Writes ignore
 * backpressure: the double buffers what a slow client has not read yet.
 */
export function handleRead(log: EsdbLog, live: Set<() => void>): (call: ReadCall) => void {
  return (call) => {
    const options = call.request.getOptions();
    if (!options) return fail(call, 'ReadReq without options');
    const matches = filterOf(options);
    if (options.getCountOptionCase() === CountOptionCase.SUBSCRIPTION) return subscribe(log, live, call, options, matches);
    const count = Number(options.getCount());
    const backwards = options.getReadDirection() === ReadDirection.BACKWARDS;
    if (options.getStreamOptionCase() === StreamOptionCase.STREAM) {
      const streamOptions = options.getStream()!;
      const identifier = streamOptions.getStreamIdentifier()!;
      const events = log.stream(nameOf(identifier));
      if (!events) {
        call.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(identifier)));
        return call.end();
      }
      const start = streamStart(streamOptions, events.length, backwards);
      return writeAll(call, walk(events, start, backwards), count, () => true);
    }
    const start = allStart(log, options.getAll()!, backwards);
    writeAll(call, walk(log.events, start, backwards), count, matches);
  };
}

function subscribe(log: EsdbLog, live: Set<() => void>, call: ReadCall, options: Options, matches: (e: StoredEvent) => boolean): void {
  const stream = options.getStreamOptionCase() === StreamOptionCase.STREAM ? options.getStream()! : undefined;
  const streamName = stream && nameOf(stream.getStreamIdentifier()!);
  const inScope = stream ? (e: StoredEvent) => e.streamName === streamName : matches;
  const checkpointEvery = checkpointInterval(options);
  let considered = 0;
  const deliver = (event: StoredEvent): void => {
    if (inScope(event)) call.write(eventResp(event));
    // Filtered subscriptions report how far they have searched, so a consumer can resume past skipped events.
    if (checkpointEvery && ++considered % checkpointEvery === 0) call.write(checkpointResp(event.position));
  };
  call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
  // History and the switch to live happen in one synchronous turn, so no append can fall between them.
  const first = stream ? subscriptionStart(log, stream) : subscriptionStartAll(log, options.getAll()!);
  for (let i = first; i < log.events.length; i++) deliver(log.events[i]);
  call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
  const stop = log.listen(deliver);
  const close = (): void => {
    stop();
    live.delete(close);
    if (!call.cancelled && !call.destroyed) call.destroy();
  };
  live.add(close);
  call.on('cancelled', close);
  call.on('close', close);
}

function writeAll(call: ReadCall, events: Iterable<StoredEvent>, count: number, matches: (e: StoredEvent) => boolean): void {
  let written = 0;
  for (const event of events) {
    if (written >= count) break;
    if (!matches(event)) continue;
    call.write(eventResp(event));
    written++;
  }
  call.end();
}

function* walk(events: readonly StoredEvent[], start: number, backwards: boolean): Iterable<StoredEvent> {
  if (backwards) for (let i = Math.min(start, events.length - 1); i >= 0; i--) yield events[i];
  else for (let i = start; i < events.length; i++) yield events[i];
}

function streamStart(options: ReadReq.Options.StreamOptions, length: number, backwards: boolean): number {
  switch (options.getRevisionOptionCase()) {
    case RevisionOptionCase.REVISION:
      return Number(options.getRevision());
    case RevisionOptionCase.END:
      return backwards ? length - 1 : length;
    default:
      return backwards ? -1 : 0;
  }
}

/** Reads of `$all` include the event at the position (subscriptions do not). */
function allStart(log: EsdbLog, options: ReadReq.Options.AllOptions, backwards: boolean): number {
  switch (options.getAllOptionCase()) {
    case AllOptionCase.POSITION: {
      const at = log.indexAtOrAfter(BigInt(options.getPosition()!.getCommitPosition()));
      return backwards ? at - 1 : at;
    }
    case AllOptionCase.END:
      return backwards ? log.events.length - 1 : log.events.length;
    default:
      return backwards ? -1 : 0;
  }
}

/** A subscription from a revision or position delivers what comes after it, as the server does. */
function subscriptionStart(log: EsdbLog, options: ReadReq.Options.StreamOptions): number {
  switch (options.getRevisionOptionCase()) {
    case RevisionOptionCase.REVISION: {
      const name = nameOf(options.getStreamIdentifier()!);
      const at = log.events.findIndex((e) => e.streamName === name && e.revision === Number(options.getRevision()));
      return at < 0 ? log.events.length : at + 1;
    }
    case RevisionOptionCase.END:
      return log.events.length;
    default:
      return 0;
  }
}

function subscriptionStartAll(log: EsdbLog, options: ReadReq.Options.AllOptions): number {
  switch (options.getAllOptionCase()) {
    case AllOptionCase.POSITION: {
      const at = log.indexAtOrAfter(BigInt(options.getPosition()!.getCommitPosition()));
      // The server reads one event at the position and starts after it: exclusive when the position is an event's.
      return Math.min(at + 1, log.events.length);
    }
    case AllOptionCase.END:
      return log.events.length;
    default:
      return 0;
  }
}

function filterOf(options: Options): (event: StoredEvent) => boolean {
  const filter = options.getFilter();
  if (!filter) return () => true;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const prefixes = expression.getPrefixList();
  return (event) => {
    const subject = onStream ? event.streamName : event.type;
    return regex ? regex.test(subject) : prefixes.some((prefix) => subject.startsWith(prefix));
  };
}

function checkpointInterval(options: Options): number | undefined {
  const filter = options.getFilter();
  if (!filter) return undefined;
  // The server's default search window is its read batch size; the client sends a multiplier of it.
  const window = filter.hasMax() ? filter.getMax() : 32;
  return window * Math.max(1, filter.getCheckpointintervalmultiplier());
}

function eventResp(event: StoredEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(event.streamName, 'utf8')))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(String(event.position))
    .setPreparePosition(String(event.position))
    .setCustomMetadata(event.customMetadata)
    .setData(event.data);
  recorded.getMetadataMap().set('type', event.type).set('content-type', event.contentType).set('created', event.createdTicks);
  return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(String(event.position)));
}

function checkpointResp(position: bigint): ReadResp {
  return new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(String(position)).setPreparePosition(String(position)));
}

export function nameOf(identifier: StreamIdentifier): string {
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

function fail(call: ReadCall, details: string): void {
  call.destroy(Object.assign(new Error(details), { code: status.INVALID_ARGUMENT, details }));
}
