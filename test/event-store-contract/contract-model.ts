import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '@app/event-store/concurrency.error';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent } from '@app/event-store/event-store.port';

/** What a new append expects: `current` is right; a number is an offset from the current revision (0 is right too). */
type Expectation = 'noStream' | 'any' | 'current' | number;

/** One step against two streams: a new append with some expectation, or a retry of an earlier append. */
type Step =
  | { readonly kind: 'append'; readonly stream: 0 | 1; readonly size: number; readonly expect: Expectation }
  | { readonly kind: 'retry'; readonly pick: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('append' as const),
    stream: fc.constantFrom(0 as const, 1 as const),
    size: fc.integer({ min: 1, max: 3 }),
    expect: fc.oneof(fc.constantFrom('noStream' as const, 'any' as const, 'current' as const), fc.integer({ min: -2, max: 2 })),
  }),
  fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }),
);

interface Done {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
  readonly result: AppendResult;
}

/**
 * Runs random sequences of appends and retries against `store` and checks each outcome against the
 * port's rules, written out as a model: which appends succeed, which revision they reach, what a
 * ConcurrencyError reports, that a retry returns the first outcome, and that positions only grow.
 */
export async function checkAgainstModel(store: EventStore, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 10 }), async (steps) => {
      const streams = [`model-${randomUUID()}`, `model-${randomUUID()}`];
      const model = new Map<string, string[]>(streams.map((s) => [s, []]));
      const done: Done[] = [];
      let lastPosition = 0;
      for (const step of steps) {
        if (step.kind === 'retry') {
          if (done.length === 0) continue;
          const first = done[step.pick % done.length];
          expect(await store.appendToStream(first.streamId, first.events, first.expected)).toEqual(first.result);
          continue;
        }
        const streamId = streams[step.stream];
        const ids = model.get(streamId)!;
        const current = ids.length === 0 ? 'noStream' : ids.length - 1;
        const expected = toExpected(step.expect, current);
        const events = Array.from({ length: step.size }, (): NewEvent => ({ id: randomUUID(), type: 'ModelStep', data: {}, metadata: { occurredAt: new Date().toISOString() } }));
        const outcome = await store.appendToStream(streamId, events, expected).catch((error: unknown) => error);
        if (expected === 'any' || expected === current) {
          const revision = ids.length + events.length - 1;
          expect(outcome).toMatchObject({ revision });
          const result = outcome as AppendResult;
          expect(result.position).toBeGreaterThan(lastPosition);
          lastPosition = result.position;
          ids.push(...events.map((e) => e.id));
          done.push({ streamId, events, expected, result });
        } else {
          expect(outcome).toBeInstanceOf(ConcurrencyError);
          expect(outcome).toMatchObject({ streamId, expected, actual: current });
        }
      }
      for (const streamId of streams) expect((await store.readStream(streamId)).map((e) => e.id)).toEqual(model.get(streamId));
    }),
    { numRuns },
  );
}

function toExpected(expect: Expectation, current: number | 'noStream'): ExpectedRevision {
  if (expect === 'current') return current;
  if (typeof expect === 'string') return expect;
  const base = current === 'noStream' ? 0 : current;
  return Math.max(0, base + expect);
}
