import { type EventData, jsonEvent, type JSONType, type Position, type ReadPosition, type RecordedEvent as EsdbRecordedEvent, START } from '@eventstore/db-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '../event-store.port';

/**
 * The port's global position is EventStoreDB's commit position: a byte offset in the transaction log,
 * increasing in commit order, with gaps. It stays far below 2^53 (8 PiB of log), so a number holds it exactly.
 */
export function toPortPosition(position: Position): number {
  return Number(position.commit);
}

/** Back from the port's number: every gRPC append is one implicit transaction, whose events have prepare = commit. */
export function toEsdbPosition(position: number): ReadPosition {
  return position <= 0 ? START : { commit: BigInt(position), prepare: BigInt(position) };
}

export function toEventData(event: NewEvent): EventData {
  // JSON.stringify decides what is valid data, as JSON.stringify does in the PostgreSQL adapter.
  return jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata: event.metadata });
}

/** Settings, users, stats, links and the like: the server's own events, which the port never shows. */
export function isSystemEvent(event: { readonly streamId: string; readonly type: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

export function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: isEventMetadata(event.metadata) ? event.metadata : { occurredAt: event.created.toISOString() },
    streamId: event.streamId,
    revision: Number(event.revision),
    // Stream reads carry positions from EventStoreDB 24.2 on; older servers report 0 there.
    position: event.position ? toPortPosition(event.position) : 0,
    recordedAt: event.created,
  };
}

/** Our appends always write EventMetadata (with occurredAt); an event written by another client may carry anything. */
function isEventMetadata(value: unknown): value is EventMetadata {
  return typeof value === 'object' && value !== null && typeof (value as { occurredAt?: unknown }).occurredAt === 'string';
}
