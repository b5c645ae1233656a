import { AllStreamPosition, WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import { type sendUnaryData, type ServerDuplexStream, type ServerReadableStream, status } from '@grpc/grpc-js';
// The client's generated messages use google-protobuf's Any and Empty, so the double builds them the same way.
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { AppendOutcome, EsdbLog, ExpectedState, ProposedEvent } from './esdb-log';
import { nameOf } from './esdb-read';

type ProposedMessage = AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage;

/** `Streams.Append` (client streaming): what the client calls when the server lists no BatchAppend. */
export function handleAppend(log: EsdbLog) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void => {
    let options: AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      else proposed.push(toProposed(request.getProposedMessage()!));
    });
    call.on('end', () => {
      if (!options) return callback({ code: status.INVALID_ARGUMENT, details: 'AppendReq without options' });
      const expected = expectedOfAppend(options);
      const outcome = log.append(nameOf(options.getStreamIdentifier()!), expected, proposed);
      callback(null, appendResp(outcome, expected));
    });
  };
}

/** `Streams.BatchAppend` (bidirectional): requests carry a correlation id; a batch ends with `is_final`. */
export function handleBatchAppend(log: EsdbLog) {
  return (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void => {
    const pending = new Map<string, { options?: BatchAppendReq.Options; proposed: ProposedEvent[] }>();
    call.on('data', (request: BatchAppendReq) => {
      const correlation = request.getCorrelationId()!.getString();
      const batch = pending.get(correlation) ?? { proposed: [] };
      pending.set(correlation, batch);
      if (request.hasOptions()) batch.options = request.getOptions();
      batch.proposed.push(...request.getProposedMessagesList().map(toProposed));
      if (!request.getIsFinal()) return;
      pending.delete(correlation);
      if (!batch.options) return call.destroy(Object.assign(new Error('first BatchAppendReq without options'), { code: status.INVALID_ARGUMENT }));
      const identifier = batch.options.getStreamIdentifier()!;
      const expected = expectedOfBatch(batch.options);
      const outcome = log.append(nameOf(identifier), expected, batch.proposed);
      call.write(batchResp(outcome, expected).setCorrelationId(request.getCorrelationId()).setStreamIdentifier(identifier));
    });
    call.on('end', () => call.end());
  };
}

function toProposed(message: ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: message.getId()!.getString(),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

function expectedOfAppend(options: AppendReq.Options): ExpectedState {
  const { REVISION, NO_STREAM, STREAM_EXISTS } = AppendReq.Options.ExpectedStreamRevisionCase;
  switch (options.getExpectedStreamRevisionCase()) {
    case REVISION:
      return { kind: 'revision', revision: Number(options.getRevision()) };
    case NO_STREAM:
      return { kind: 'noStream' };
    case STREAM_EXISTS:
      return { kind: 'exists' };
    default:
      return { kind: 'any' };
  }
}

function expectedOfBatch(options: BatchAppendReq.Options): ExpectedState {
  const { STREAM_POSITION, NO_STREAM, STREAM_EXISTS } = BatchAppendReq.Options.ExpectedStreamPositionCase;
  switch (options.getExpectedStreamPositionCase()) {
    case STREAM_POSITION:
      return { kind: 'revision', revision: Number(options.getStreamPosition()) };
    case NO_STREAM:
      return { kind: 'noStream' };
    case STREAM_EXISTS:
      return { kind: 'exists' };
    default:
      return { kind: 'any' };
  }
}

function appendResp(outcome: AppendOutcome, expected: ExpectedState): AppendResp {
  if (outcome.kind === 'success') {
    const position = new AppendResp.Position().setCommitPosition(String(outcome.position)).setPreparePosition(String(outcome.position));
    return new AppendResp().setSuccess(new AppendResp.Success().setCurrentRevision(String(outcome.revision)).setPosition(position));
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.current < 0) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(String(outcome.current));
  if (expected.kind === 'revision') wrong.setExpectedRevision(String(expected.revision));
  else if (expected.kind === 'noStream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

/** A wrong expected version travels as a google.rpc.Status whose details pack event_store.client.WrongExpectedVersion. */
function batchResp(outcome: AppendOutcome, expected: ExpectedState): BatchAppendResp {
  if (outcome.kind === 'success') {
    const position = new AllStreamPosition().setCommitPosition(String(outcome.position)).setPreparePosition(String(outcome.position));
    return new BatchAppendResp().setSuccess(new BatchAppendResp.Success().setCurrentRevision(String(outcome.revision)).setPosition(position));
  }
  const wrong = new WrongExpectedVersion();
  if (outcome.current < 0) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentStreamRevision(String(outcome.current));
  if (expected.kind === 'revision') wrong.setExpectedStreamPosition(String(expected.revision));
  else if (expected.kind === 'noStream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  const details = new Any();
  details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  const error = new Status().setCode(Code.FAILED_PRECONDITION).setMessage('Wrong expected version').setDetails(details);
  return new BatchAppendResp().setError(error);
}
