import { kafkaRecordBytes, recordBatchBytes } from './kafka-record-size';

// kafkajs's own encoders, to hold the estimate against the bytes it really sends.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (batch: { records: unknown[] }) => Promise<{ buffer: Buffer }> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;

type Message = { key: string; value: string; headers: Record<string, string> };

async function encodedBatchBytes(messages: readonly Message[], timestampDelta = 0): Promise<number> {
  const records = messages.map((m, offsetDelta) => Record({ offsetDelta, timestampDelta, key: m.key, value: m.value, headers: m.headers }));
  return (await RecordBatch({ records })).buffer.length;
}

const message = (valueBytes: number, headers: Record<string, string> = {}): Message => ({
  key: 'p:8b0c2c8e-6a51-4a43-9a4e-2f3d3b1b1a10',
  value: 'é'.repeat(Math.floor(valueBytes / 2)) + 'x'.repeat(valueBytes % 2),
  headers: { ce_id: 'a1f5e2b0-1111-4c4c-9d9d-000000000001', ce_type: 'com.traffitech.scim.user.UserProvisioned.v1', ...headers },
});

describe('Kafka record size', () => {
  it.each([0, 1, 63, 64, 100, 8_191, 8_192, 100_000, 1_048_576])('never under-estimates, nor over-estimates by more than 8 bytes, a record with a %i-byte value', async (bytes) => {
    const real = await encodedBatchBytes([message(bytes)]);
    const estimate = recordBatchBytes([message(bytes)]);
    expect(estimate).toBeGreaterThanOrEqual(real);
    expect(estimate - real).toBeLessThanOrEqual(8);
  });

  it('counts UTF-8 bytes of the key, the value and every header', async () => {
    const plain = message(10);
    const accented = { ...plain, headers: { ...plain.headers, ce_source: '/scim/v2/enterprise-idps/ünïcode' } };
    expect(kafkaRecordBytes(accented) - kafkaRecordBytes(plain)).toBe(await encodedBatchBytes([accented]) - (await encodedBatchBytes([plain])));
  });

  it('bounds a batch of many records with the deltas they get in one send', async () => {
    const messages = Array.from({ length: 200 }, (_, i) => message(500 + i));
    const real = await encodedBatchBytes(messages, 2_000);
    expect(recordBatchBytes(messages)).toBeGreaterThanOrEqual(real);
  });
});
