import type { RecordedEvent } from '../event-store.port';

/** An event as a domain knows it: its type and its data. */
export interface TypedEvent {
  readonly type: string;
  readonly data: unknown;
}

/**
 * How one kind of stream folds into its state. `accepts` narrows what was read from the log to the
 * domain's event union by its type, so loading a stream needs no cast.
 */
export interface StreamModel<State, Event extends TypedEvent> {
  readonly initial: State;
  readonly evolve: (state: State, event: Event) => State;
  readonly accepts: (event: TypedEvent) => event is Event;
}

/** An event in a stream that its model does not know: a stream id clash or a corrupt log, never input. */
export class ForeignEventError extends Error {
  constructor(
    readonly streamId: string,
    readonly type: string,
  ) {
    super(`Stream ${streamId} holds an event of type ${type} that its model does not know`);
    this.name = 'ForeignEventError';
  }
}

/** The stream's events narrowed to the model's union; throws ForeignEventError on any other. */
export function typedEvents<State, Event extends TypedEvent>(model: StreamModel<State, Event>, recorded: readonly RecordedEvent[]): Event[] {
  return recorded.map((event) => {
    if (!model.accepts(event)) throw new ForeignEventError(event.streamId, event.type);
    return event;
  });
}

/** Folds a recorded stream into its state. */
export function foldStream<State, Event extends TypedEvent>(model: StreamModel<State, Event>, recorded: readonly RecordedEvent[]): State {
  return typedEvents(model, recorded).reduce(model.evolve, model.initial);
}
