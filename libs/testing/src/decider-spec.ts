import { DomainError, DomainErrorCode } from '@app/identity/shared/domain-error';

/** A decider as event-driven-io/emmett shapes it: pure `decide` and `evolve`, and the state before any event. */
export interface Decider<State, Command, Event> {
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

/** A DomainError code the decision must throw, or a predicate over whatever it throws. */
export type ErrorCheck = DomainErrorCode | ((error: unknown) => boolean);

export interface DeciderThen<State, Event> {
  /** The decision produces exactly these events, in order. */
  then(expected: readonly Event[]): void;
  thenNothingHappened(): void;
  /** The state after the given events and the produced ones. */
  thenState(expected: State): void;
  thenThrows(check?: ErrorCheck): void;
}

/**
 * Given/when/then for deciders (after emmett's DeciderSpecification):
 * `spec.given([provisioned]).when(deleteUser).then([deleted])`.
 */
export function deciderSpec<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return {
    given: (events: readonly Event[]) => ({
      when: (command: Command): DeciderThen<State, Event> => {
        const decide = () => {
          const state = events.reduce(decider.evolve, decider.initialState());
          return { state, produced: decider.decide(command, state) };
        };
        return {
          then: (expected) => expect(decide().produced).toEqual(expected),
          thenNothingHappened: () => expect(decide().produced).toEqual([]),
          thenState: (expected) => {
            const { state, produced } = decide();
            expect(produced.reduce(decider.evolve, state)).toEqual(expected);
          },
          thenThrows: (check) => expectThrown(() => decide(), check),
        };
      },
    }),
  };
}

function expectThrown(run: () => unknown, check: ErrorCheck | undefined): void {
  let outcome: { error: unknown } | undefined;
  try {
    run();
  } catch (error) {
    outcome = { error };
  }
  if (!outcome) throw new Error('Expected the decision to throw, but it returned events');
  if (typeof check === 'string') {
    expect(outcome.error).toBeInstanceOf(DomainError);
    expect((outcome.error as DomainError).code).toBe(check);
  } else if (check) {
    expect(check(outcome.error)).toBe(true);
  }
}
