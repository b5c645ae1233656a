import fc from 'fast-check';
import { UserEvent } from './user.events';
import { eventsBetween, LoggedUserEvent, parseInstant, parseLogPoint, userAsOf } from './user.history';
import { foldUser } from './user.state';

const ref = { providerId: 'entra-contoso', userId: 'u-1' };
const T0 = Date.parse('2026-12-02T07:00:00.000Z');

/** Events one second apart, at global positions 10, 20, …, as a log records them. */
const logged = (events: readonly UserEvent[]): LoggedUserEvent[] =>
  events.map((event, revision) => ({ ...event, revision, position: (revision + 1) * 10, occurredAt: new Date(T0 + revision * 1000).toISOString() }));

const lifecycle = logged([
  { type: 'UserProvisioned', data: { ...ref, attributes: { userName: 'ada@contoso.com', active: true } } },
  { type: 'AttributesPatched', data: { ...ref, changes: [{ attribute: 'title', newValue: 'Analyst' }] } },
  { type: 'UserDeactivated', data: ref },
  { type: 'AttributesCleared', data: { ...ref, changes: [{ attribute: 'title', oldValue: 'Analyst' }] } },
  { type: 'ReprovisionRequested', data: ref },
  { type: 'UserReprovisioned', data: { ...ref, attributes: { userName: 'ada@contoso.com', active: true, displayName: 'Ada' } } },
  { type: 'UserDeleted', data: ref },
]);

const someUserEvent: fc.Arbitrary<UserEvent> = fc.oneof(
  fc.record({ userName: fc.string({ minLength: 1 }), displayName: fc.string() }).map((attributes): UserEvent => ({ type: 'UserProvisioned', data: { ...ref, attributes } })),
  fc.string().map((title): UserEvent => ({ type: 'AttributesPatched', data: { ...ref, changes: [{ attribute: 'title', newValue: title }] } })),
  fc.constantFrom<UserEvent>(
    { type: 'UserDeactivated', data: ref },
    { type: 'UserReactivated', data: ref },
    { type: 'ReprovisionRequested', data: ref },
    { type: 'AttributesCleared', data: { ...ref, changes: [{ attribute: 'title', oldValue: 'x' }] } },
  ),
);

describe('parseInstant', () => {
  it.each([
    ['2026-12-02T07:00:00Z', T0],
    ['2026-12-02T07:00:00.000Z', T0],
    ['2026-12-02T08:00+01:00', T0],
    ['2026-12-02', Date.parse('2026-12-02T00:00:00Z')],
  ])('reads %s', (text, at) => expect(parseInstant(text)).toBe(at));

  it.each(['', 'yesterday', '2026-12-02T07:00:00', '2026-02-30T00:00:00Z', '2026-13-01', '2026-12-02T25:00:00Z', '1733122800000', ' 2026-12-02'])(
    'refuses %j',
    (text) => expect(parseInstant(text)).toBeUndefined(),
  );

  it('reads back every instant it writes, and never throws', () => {
    fc.assert(fc.property(fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), (date) => expect(parseInstant(date.toISOString())).toBe(date.getTime())));
    fc.assert(fc.property(fc.string(), (text) => [undefined, Date.parse(text)].includes(parseInstant(text))));
  });
});

describe('parseLogPoint', () => {
  it('reads a positive integer as a log position and an ISO instant as a time', () => {
    expect(parseLogPoint('42')).toEqual({ kind: 'position', position: 42 });
    expect(parseLogPoint('2026-12-02T07:00:00Z')).toEqual({ kind: 'time', at: T0 });
  });

  it.each(['0', '-1', '1.5', '042', '1e3', 'now'])('refuses %j', (text) => expect(parseLogPoint(text)).toBeUndefined());

  it('reads every position back', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (position) => {
      expect(parseLogPoint(String(position))).toEqual(position < 1e15 ? { kind: 'position', position } : undefined);
    }));
  });
});

describe('eventsBetween', () => {
  it('keeps the events in the window, both ends inclusive, either end open', () => {
    const at = (revision: number) => T0 + revision * 1000;
    expect(eventsBetween(lifecycle, {}).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(eventsBetween(lifecycle, { from: at(2) }).map((e) => e.revision)).toEqual([2, 3, 4, 5, 6]);
    expect(eventsBetween(lifecycle, { to: at(2) }).map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(eventsBetween(lifecycle, { from: at(1) + 1, to: at(3) }).map((e) => e.revision)).toEqual([2, 3]);
    expect(eventsBetween(lifecycle, { from: at(3), to: at(2) })).toEqual([]);
  });
});

describe('userAsOf', () => {
  it('is absent before the first event, and each event\'s state at its time and position', () => {
    expect(userAsOf(lifecycle, { kind: 'time', at: T0 - 1 })).toEqual({ state: { status: 'absent' } });
    expect(userAsOf(lifecycle, { kind: 'position', position: 9 })).toEqual({ state: { status: 'absent' } });
    const atTitle = userAsOf(lifecycle, { kind: 'time', at: T0 + 1500 });
    expect(atTitle.last?.revision).toBe(1);
    expect(atTitle.state).toMatchObject({ status: 'present', attributes: { userName: 'ada@contoso.com', active: true, title: 'Analyst' } });
    expect(userAsOf(lifecycle, { kind: 'position', position: 30 }).state).toMatchObject({ attributes: { active: false, title: 'Analyst' } });
    expect(userAsOf(lifecycle, { kind: 'position', position: 50 }).state).toMatchObject({ attributes: { active: false }, awaitingReprovision: true });
    expect(userAsOf(lifecycle, { kind: 'position', position: 60 }).state).toEqual({
      status: 'present',
      ...ref,
      attributes: { userName: 'ada@contoso.com', active: true, displayName: 'Ada' },
      awaitingReprovision: false,
    });
    expect(userAsOf(lifecycle, { kind: 'time', at: T0 + 6000 })).toMatchObject({ state: { status: 'deleted' }, last: { type: 'UserDeleted', revision: 6 } });
  });

  it('stops at the first event after the point, so it never shows a state the user did not have', () => {
    const steppedBack = [lifecycle[0], lifecycle[1], { ...lifecycle[2], occurredAt: new Date(T0 + 500).toISOString() }];
    expect(userAsOf(steppedBack, { kind: 'time', at: T0 + 700 }).last?.revision).toBe(0);
  });

  it('folded to the last event\'s time or position, equals the current state', () => {
    fc.assert(
      fc.property(fc.array(someUserEvent, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(3_000), { minLength: 20, maxLength: 20 }), (events, gaps) => {
        let at = T0;
        const stream = events.map((event, revision): LoggedUserEvent => {
          at += gaps[revision];
          return { ...event, revision, position: revision * 7 + 1, occurredAt: new Date(at).toISOString() };
        });
        const last = stream[stream.length - 1];
        const byTime = userAsOf(stream, { kind: 'time', at: Date.parse(last.occurredAt) });
        expect(byTime).toEqual({ state: foldUser(events), last });
        expect(userAsOf(stream, { kind: 'position', position: last.position })).toEqual(byTime);
        // and any earlier point gives the fold of a prefix
        const cut = Math.floor(stream.length / 2);
        expect(userAsOf(stream, { kind: 'position', position: stream[cut].position }).state).toEqual(foldUser(events.slice(0, cut + 1)));
      }),
    );
  });
});
