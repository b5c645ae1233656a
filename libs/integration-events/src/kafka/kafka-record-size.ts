import type { IntegrationMessage } from '../contracts/user-lifecycle.v1';

/** Bytes of a record batch around its records (offset, length, epoch, magic, CRC, …, record count). */
export const RECORD_BATCH_OVERHEAD = 61;
/** Timestamp and offset deltas are varints; within one send they stay under 3 bytes each. */
const DELTAS_BYTES = 6;

/**
 * Bytes one message takes in a record batch (format v2, uncompressed), as the broker counts it
 * against max.message.bytes; never less than the real figure, at most a few bytes more.
 */
export function kafkaRecordBytes(message: Pick<IntegrationMessage, 'key' | 'value' | 'headers'>): number {
  let body = 1 + DELTAS_BYTES + withLength(Buffer.byteLength(message.key)) + withLength(Buffer.byteLength(message.value));
  const headers = Object.entries(message.headers);
  body += varintBytes(headers.length);
  for (const [name, value] of headers) body += withLength(Buffer.byteLength(name)) + withLength(Buffer.byteLength(value));
  return varintBytes(body) + body;
}

/** Bytes of a record batch holding these messages: what the broker compares with max.message.bytes. */
export function recordBatchBytes(messages: readonly Pick<IntegrationMessage, 'key' | 'value' | 'headers'>[]): number {
  return messages.reduce((sum, m) => sum + kafkaRecordBytes(m), RECORD_BATCH_OVERHEAD);
}

function withLength(bytes: number): number {
  return varintBytes(bytes) + bytes;
}

/** Size of a zigzag varint, as Kafka writes lengths. */
function varintBytes(n: number): number {
  let zigzag = n * 2;
  let bytes = 1;
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 0x80);
    bytes += 1;
  }
  return bytes;
}
