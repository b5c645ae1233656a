import fc from 'fast-check';
import type { Verdict } from './chain-verifier';
import { GENESIS, LoggedEvent } from './export-records';
import { exportChunks } from './export-writer';
import { link, toLine } from './hash-chain';
import { verifyExport } from './verify-export';

const START = { scope: { kind: 'identity-provider' as const, providerId: 'contoso' }, exportedAt: new Date('2026-12-02T08:00:00Z'), throughPosition: 10_000 };

function event(n: number, data: unknown = { userName: `user${n}@contoso.example` }): LoggedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: n % 2 ? 'AttributesPatched' : 'UserProvisioned',
    data,
    metadata: { occurredAt: '2026-12-02T07:59:00.000Z', actor: { kind: 'idp-token', providerId: 'contoso' } },
    streamId: `user-contoso-${n}`,
    revision: n % 3,
    position: 10 * (n + 1),
    recordedAt: new Date(Date.UTC(2026, 11, 2, 7, 59, 0, n)),
  };
}

async function* batches<T>(...lists: T[][]): AsyncGenerator<T[]> {
  yield* lists;
}

/** The export's bytes, for `events` in batches of three. */
async function exported(events: LoggedEvent[]): Promise<Buffer> {
  const lists = Array.from({ length: Math.ceil(events.length / 3) }, (_, i) => events.slice(3 * i, 3 * i + 3));
  let text = '';
  for await (const chunk of exportChunks(START, batches(...lists))) text += chunk;
  return Buffer.from(text, 'utf8');
}

/** Fed in chunks of `size` bytes, as a file stream would. */
async function verify(bytes: Uint8Array, expectedHead?: string, size = 7): Promise<Verdict> {
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  return verifyExport(chunks(), expectedHead);
}

const lines = (bytes: Buffer) => bytes.toString('utf8').split('\n').slice(0, -1);
const join = (list: string[]) => Buffer.from(list.map((l) => `${l}\n`).join(''), 'utf8');
/** The line (from 1) that holds the byte at `index`, its "\n" included. */
const lineOf = (bytes: Buffer, index: number) => bytes.subarray(0, index).filter((b) => b === 0x0a).length + 1;

const oddData = fc.record({
  userName: fc.string({ unit: 'binary' }),
  displayName: fc.string({ unit: 'grapheme' }),
  count: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(2 ** 64), fc.constant(1e-7)),
  nested: fc.jsonValue({ maxDepth: 3 }),
});
const someEvents = fc.array(oddData, { minLength: 0, maxLength: 8 }).map((data) => data.map((d, n) => event(n, d)));

describe('an export and its verification', () => {
  it('verifies what was exported: header, events in order, trailer, and the head to record', async () => {
    const bytes = await exported([event(0), event(1), event(2), event(3)]);
    const records = lines(bytes).map((l) => JSON.parse(l));
    expect(records.map((r) => r.kind)).toEqual(['header', 'event', 'event', 'event', 'event', 'trailer']);
    expect(records[0]).toMatchObject({ format: 'traffitech-scim/event-log-export', version: 1, scope: START.scope, exportedAt: '2026-12-02T08:00:00.000Z', throughPosition: 10_000, hashAlgorithm: 'sha-256', prev: GENESIS });
    expect(records[1]).toMatchObject({ position: 10, streamId: 'user-contoso-0', revision: 0, eventId: event(0).id, type: 'UserProvisioned', recordedAt: '2026-12-02T07:59:00.000Z', data: event(0).data, metadata: event(0).metadata });
    records.slice(1).forEach((record, i) => expect(record.prev).toBe(records[i].hash));
    expect(records[5]).toMatchObject({ count: 4 });
    const verdict = await verify(bytes, records[5].hash);
    expect(verdict).toEqual({ valid: true, records: 6, events: 4, head: records[5].hash, header: records[0] });
  });

  it('verifies an export of no events', async () => {
    expect(await verify(await exported([]))).toMatchObject({ valid: true, records: 2, events: 0 });
  });

  it('verifies any export of odd data (unicode, big numbers, nested keys), in chunks of any size', async () => {
    await fc.assert(
      fc.asyncProperty(someEvents, fc.integer({ min: 1, max: 64 }), async (events, size) => {
        expect(await verify(await exported(events), undefined, size)).toMatchObject({ valid: true, events: events.length });
      }),
      { numRuns: 60 },
    );
  });

  it('finds any single changed byte at the line that holds it', async () => {
    await fc.assert(
      fc.asyncProperty(someEvents, fc.nat(), fc.integer({ min: 1, max: 255 }), async (events, at, delta) => {
        const bytes = await exported(events);
        const index = at % bytes.length;
        const changed = Buffer.from(bytes);
        changed[index] = (changed[index] + delta) % 256;
        const verdict = await verify(changed);
        expect(verdict).toMatchObject({ valid: false, line: lineOf(bytes, index) });
      }),
      { numRuns: 400 },
    );
  });

  it('names the event position of a changed record when its line still reads', async () => {
    const list = lines(await exported([event(0), event(1), event(2)]));
    list[2] = list[2].replace('user1@', 'userX@');
    expect(await verify(join(list))).toEqual({ valid: false, line: 3, position: 20, problem: 'altered', message: expect.stringMatching(/does not match its hash/) });
  });

  it('finds a record spelled differently though its value is the same', async () => {
    const list = lines(await exported([event(0)]));
    list[1] = list[1].replace('"kind":"event"', '"kind":"\\u0065vent"');
    expect(await verify(join(list))).toMatchObject({ valid: false, line: 2, position: 10, problem: 'not-canonical' });
  });

  it('finds a deleted, inserted or moved record where the chain breaks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.nat(), async (count, a, b) => {
        const list = lines(await exported(Array.from({ length: count }, (_, n) => event(n))));
        const [i, j] = [a % list.length, b % list.length];
        const deleted = list.filter((_, k) => k !== i);
        const lastDeleted = i === list.length - 1;
        expect(await verify(join(deleted))).toMatchObject(lastDeleted ? { problem: 'truncated', line: list.length } : { problem: 'broken-chain', line: i + 1 });
        // A copy of record i before record j: the first line out of place is the copy, or the original right after it.
        const inserted = [...list.slice(0, j), list[i], ...list.slice(j)];
        const firstWrong = i === j ? j + 1 : j;
        const pastTrailer = i === list.length - 1 && firstWrong === list.length;
        expect(await verify(join(inserted))).toMatchObject({ valid: false, line: firstWrong + 1, ...(pastTrailer ? { problem: 'after-trailer' } : {}) });
        if (i !== j) {
          const moved = [...list];
          [moved[i], moved[j]] = [moved[j], moved[i]];
          expect(await verify(join(moved))).toMatchObject({ problem: 'broken-chain', line: Math.min(i, j) + 1 });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('finds a file cut short anywhere', async () => {
    const bytes = await exported([event(0), event(1), event(2)]);
    for (let length = 0; length < bytes.length; length++) {
      const verdict = await verify(bytes.subarray(0, length));
      expect(verdict).toMatchObject({ valid: false, problem: length === 0 ? 'truncated' : expect.stringMatching(/^(truncated|unreadable)$/) });
    }
    expect(await verify(bytes.subarray(0, bytes.length - 1))).toMatchObject({ line: 5, problem: 'truncated', message: expect.stringMatching(/no newline/) });
    expect(await verify(join(lines(bytes).slice(0, 4)))).toMatchObject({ line: 5, problem: 'truncated', message: expect.stringMatching(/ends after line 4 without a trailer/) });
    expect(await verify(Buffer.alloc(0))).toMatchObject({ line: 1, problem: 'truncated', message: 'the file is empty' });
  });

  it('finds lines that are no records, and content after the trailer', async () => {
    const list = lines(await exported([event(0)]));
    expect(await verify(join([list[0], '', ...list.slice(1)]))).toMatchObject({ line: 2, problem: 'unreadable' });
    expect(await verify(join([list[0], '[1,2]']))).toMatchObject({ line: 2, problem: 'unreadable' });
    expect(await verify(join([list[0], '{"hash":"abc"}']))).toMatchObject({ line: 2, problem: 'unreadable' });
    expect(await verify(Buffer.concat([join(list.slice(0, 1)), Buffer.from([0xc3, 0x28, 0x0a])]))).toMatchObject({ line: 2, problem: 'unreadable', message: /UTF-8/ });
    expect(await verify(join([...list, '']))).toMatchObject({ line: 4, problem: 'after-trailer' });
    expect(await verify(Buffer.concat([Buffer.from('\ufeff'), join(list)]))).toMatchObject({ line: 1, problem: 'unreadable' });
  });

  /** A forger re-hashes the whole chain after editing: the structure is still checked, and only the recorded head tells. */
  describe('a chain re-hashed after editing', () => {
    const chain = (records: object[]) => {
      let prev = GENESIS;
      return join(
        records.map((record) => {
          const linked = link(record, prev);
          prev = linked.hash;
          return toLine(linked).slice(0, -1);
        }),
      );
    };
    const header = { kind: 'header', format: 'traffitech-scim/event-log-export', version: 1, scope: { kind: 'all' }, exportedAt: '2026-12-02T08:00:00.000Z', throughPosition: 100, hashAlgorithm: 'sha-256', canonicalization: 'RFC 8785' };
    const record = (position: number) => ({ kind: 'event', position, streamId: 's', revision: 0, eventId: 'e', type: 't', recordedAt: 'r', data: {}, metadata: {} });

    it('passes without the head, and fails against the head recorded at export', async () => {
      const original = await exported([event(0), event(1)]);
      const forged = chain(lines(original).map((line, i) => {
        const { prev: _prev, hash: _hash, ...fields } = JSON.parse(line);
        return i === 1 ? { ...fields, data: { userName: 'mallory@contoso.example' } } : fields;
      }));
      const head = JSON.parse(lines(original)[3]).hash;
      expect(await verify(forged)).toMatchObject({ valid: true, events: 2 });
      expect(await verify(forged, head)).toMatchObject({ valid: false, line: 4, problem: 'head-mismatch' });
      expect(await verify(original, head.toUpperCase())).toMatchObject({ valid: true });
    });

    it.each([
      ['no header first', [record(10), { kind: 'trailer', count: 1 }], { line: 1, problem: 'misplaced' }],
      ['an unknown format version', [{ ...header, version: 2 }, { kind: 'trailer', count: 0 }], { line: 1, problem: 'misplaced' }],
      ['a second header', [header, header], { line: 2, problem: 'misplaced' }],
      ['positions that go back', [header, record(20), record(10), { kind: 'trailer', count: 2 }], { line: 3, position: 10, problem: 'out-of-order' }],
      ['a position past throughPosition', [header, record(101), { kind: 'trailer', count: 1 }], { line: 2, position: 101, problem: 'out-of-order' }],
      ['an event without its fields', [header, { kind: 'event', position: 5 }, { kind: 'trailer', count: 1 }], { line: 2, problem: 'unreadable' }],
      ['a wrong count', [header, record(10), { kind: 'trailer', count: 2 }], { line: 3, problem: 'count-mismatch' }],
    ])('finds %s', async (_name, records, finding) => {
      expect(await verify(chain(records))).toMatchObject({ valid: false, ...finding });
    });
  });

  it('stops reading at the first bad record', async () => {
    const list = lines(await exported([event(0), event(1)]));
    let read = 0;
    async function* chunks() {
      for (const line of ['garbage', ...list]) {
        read++;
        yield Buffer.from(`${line}\n`);
      }
    }
    expect(await verifyExport(chunks())).toMatchObject({ line: 1, problem: 'unreadable' });
    expect(read).toBe(1);
  });
});
