import { verifyExport } from '@app/audit/verify-export';
import type { EventStore, RecordedEvent } from '@app/event-store/event-store.port';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { EventLogExport } from './export-source';

const USERS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];

/** A log in memory with gaps between positions, as the real stores have; `failAfter` reads make readAll throw. */
function log(streams: string[], options: { failAfter?: number } = {}) {
  const events: RecordedEvent[] = [];
  const revisions = new Map<string, number>();
  const append = (streamId: string) => {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    const position = 7 * (events.length + 1);
    events.push({ id: `e${position}`, type: 'Recorded', data: { n: events.length }, metadata: { occurredAt: '2026-12-02T08:00:00.000Z' }, streamId, revision, position, recordedAt: new Date(0) });
  };
  streams.forEach(append);
  let reads = 0;
  const store = {
    readStream: async (streamId: string) => events.filter((e) => e.streamId === streamId),
    readAll: async (after: number, max: number) => {
      if (options.failAfter !== undefined && ++reads > options.failAfter) throw new Error('connection lost');
      return events.filter((e) => e.position > after).slice(0, max);
    },
    headPosition: async () => events.at(-1)?.position ?? 0,
  } as unknown as EventStore;
  return { store, events, append };
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}
const streamsOf = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'event').map((r) => r.streamId);

describe('EventLogExport', () => {
  // 1,300 events: more than one batch, the IdPs' and their users' streams interleaved with others.
  const streams = Array.from({ length: 1300 }, (_, i) =>
    [StreamIds.identityProvider('a'), StreamIds.user('a', USERS[0]), StreamIds.user('a-b', USERS[0]), StreamIds.identityProvider('a-b'), 'administrators'][i % 5],
  );

  it('exports the whole log in order, through the position it had reached when it began', async () => {
    const { store, events, append } = log(streams);
    const chunks = await new EventLogExport(store).open({ kind: 'all' });
    const first = await chunks.next();
    append('administrators');
    const text = (first.value as string) + (await collect(chunks));
    expect(await verifyExport([Buffer.from(text)] as unknown as AsyncIterable<Uint8Array>)).toMatchObject({ valid: true, events: 1300, header: { throughPosition: 7 * 1300 } });
    expect(streamsOf(text)).toEqual(events.slice(0, 1300).map((e) => e.streamId));
  });

  it("exports an IdP's own stream and its users' streams, and nothing of an IdP whose id it prefixes", async () => {
    const { store } = log(streams);
    const text = await collect(await new EventLogExport(store).open({ kind: 'identity-provider', providerId: 'a' }));
    expect(streamsOf(text)).toEqual(streams.filter((s) => s === 'idp-a' || s === `user-a-${USERS[0]}`));
    const other = await collect(await new EventLogExport(store).open({ kind: 'identity-provider', providerId: 'a-b' }));
    expect(streamsOf(other)).toEqual(streams.filter((s) => s === 'idp-a-b' || s === `user-a-b-${USERS[0]}`));
  });

  it("exports a user's stream, through its last event", async () => {
    const { store } = log(streams);
    const text = await collect(await new EventLogExport(store).open({ kind: 'user', providerId: 'a-b', userId: USERS[0] }));
    expect(await verifyExport([Buffer.from(text)] as unknown as AsyncIterable<Uint8Array>)).toMatchObject({ valid: true, events: 260, header: { throughPosition: 7 * 1298 } });
  });

  it('says which is unknown before anything is streamed', async () => {
    const { store } = log(streams);
    await expect(new EventLogExport(store).open({ kind: 'identity-provider', providerId: 'b' })).rejects.toMatchObject({ code: 'PROVIDER_NOT_FOUND' });
    await expect(new EventLogExport(store).open({ kind: 'user', providerId: 'a', userId: USERS[1] })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('throws mid-stream when the log fails, so the export ends without its trailer', async () => {
    const { store } = log(streams, { failAfter: 2 });
    const chunks = await new EventLogExport(store).open({ kind: 'all' });
    const seen: string[] = [];
    await expect((async () => {
      for await (const chunk of chunks) seen.push(chunk);
    })()).rejects.toThrow('connection lost');
    expect(seen.join('')).not.toContain('"kind":"trailer"');
    expect(seen.length).toBeGreaterThan(1);
  });

  it('runs two at once and refuses a third until one is released', () => {
    const exports = new EventLogExport(log([]).store);
    const [one] = [exports.claim(), exports.claim()];
    expect(() => exports.claim()).toThrow(expect.objectContaining({ status: 429, error: 'TOO_MANY_EXPORTS' }));
    one();
    one();
    exports.claim();
    expect(() => exports.claim()).toThrow(expect.objectContaining({ status: 429 }));
  });
});
