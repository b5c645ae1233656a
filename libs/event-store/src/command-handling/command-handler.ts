import { ConcurrencyError } from '../concurrency.error';
import type { EventMetadata, NewEvent, RecordedEvent } from '../event-store.port';
import type { CommandStore, CommittedWrite } from './command-store.port';
import { KeyedLock } from './keyed-lock';
import { foldStream, StreamModel, TypedEvent } from './typed-stream';
import { ClaimTakenError, UniqueClaim } from './unique-claim';

const DEFAULT_ATTEMPTS = 10;

/** One command against one stream, as plain data and pure functions. */
export interface Command<State, Event extends TypedEvent, Claim extends UniqueClaim = UniqueClaim> {
  readonly streamId: string;
  /** The entity that holds what this write claims. */
  readonly holder: string;
  readonly model: StreamModel<State, Event>;
  /** Pure: the events the command produces in `state`; none when nothing changes; throws to refuse. */
  readonly decide: (state: State) => readonly Event[];
  /** Gives the decided events their ids and provenance. */
  readonly record: (events: readonly Event[]) => NewEvent[];
  /** Provenance for claim records. */
  readonly metadata: EventMetadata;
  /** If-Match: the revision the client saw. Checked only while `exists(state)`; a mismatch is RevisionMismatchError. */
  readonly ifMatch?: number;
  readonly exists?: (state: State) => boolean;
  /**
   * The stream id was made for this command (a new random id): the first attempt decides on an empty
   * stream without reading it. The append still expects no stream, so a stream that exists after all
   * is a conflict, and the next attempt reads it.
   */
  readonly newStream?: boolean;
  /** The unique values the change from `before` to `after` claims and releases. */
  readonly claims?: (before: State, after: State) => { readonly claim: readonly Claim[]; readonly release: readonly Claim[] };
  /** Another holder has a value: resolves true when its claim is stale (take it over), or throws the refusal. */
  readonly onClaimTaken?: (conflict: ClaimTakenError, claim: Claim) => Promise<boolean>;
}

/** What a handled command leaves: the state after it and where the stream stands, for the caller to render. */
export interface HandledCommand<State> {
  readonly state: State;
  /** The stream as it was loaded for the decision that was written. */
  readonly history: readonly RecordedEvent[];
  /** What was appended; empty when the decision changed nothing. */
  readonly appended: readonly NewEvent[];
  /** The stream's revision after the command. */
  readonly revision: number | 'noStream';
  /** Present when something was appended. */
  readonly committed?: CommittedWrite;
}

/** Runs after every append, in order (read-your-writes, waking a relay); a failure reaches the caller. */
export type AfterAppend = (committed: CommittedWrite) => Promise<void>;

/** If-Match named another revision (`actual`), or the stream moved on while an If-Match write was decided (`actual` undefined). */
export class RevisionMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number | 'noStream' | undefined,
  ) {
    super(actual === undefined ? `The stream changed while a write at revision ${expected} was made` : `The stream is at ${actual}, not ${expected}`);
    this.name = 'RevisionMismatchError';
  }
}

/**
 * The write side's one loop: load the typed stream → decide (pure) → append with the revision
 * decided on, with the claims the change implies → run the after-append hooks. A concurrent writer
 * makes it load and decide again, a bounded number of times; with If-Match the conflict is the
 * client's (RevisionMismatchError). A stale claim (the command's rules say so) is taken over on the
 * next attempt. Writes to one stream from this process queue up, so conflicts come only from others.
 */
export class CommandHandler {
  private readonly locks = new KeyedLock();

  constructor(
    private readonly store: CommandStore,
    private readonly afterAppend: readonly AfterAppend[] = [],
    private readonly attempts = DEFAULT_ATTEMPTS,
  ) {}

  handle<State, Event extends TypedEvent, Claim extends UniqueClaim>(command: Command<State, Event, Claim>): Promise<HandledCommand<State>> {
    return this.locks.run(command.streamId, () => this.decideAndWrite(command));
  }

  private async decideAndWrite<State, Event extends TypedEvent, Claim extends UniqueClaim>(
    command: Command<State, Event, Claim>,
  ): Promise<HandledCommand<State>> {
    const takeOver = new Map<string, string>();
    for (let attempt = 1; ; attempt++) {
      const history = command.newStream && attempt === 1 ? [] : await this.store.readStream(command.streamId);
      const state = foldStream(command.model, history);
      const revision = history.length === 0 ? 'noStream' : history[history.length - 1].revision;
      if (command.ifMatch !== undefined && command.exists?.(state) && command.ifMatch !== revision) {
        throw new RevisionMismatchError(command.ifMatch, revision);
      }
      const events = command.decide(state);
      if (events.length === 0) return { state, history, appended: [], revision };
      const after = events.reduce(command.model.evolve, state);
      const claims = command.claims?.(state, after) ?? { claim: [], release: [] };
      const appended = command.record(events);
      let committed: CommittedWrite;
      try {
        committed = await this.store.write({
          streamId: command.streamId,
          events: appended,
          expected: revision,
          holder: command.holder,
          claim: claims.claim,
          release: claims.release,
          takeOver,
          metadata: command.metadata,
          history,
        });
      } catch (error) {
        if (error instanceof ClaimTakenError) {
          const claim = claims.claim.find((c) => c.key === error.key);
          if (!claim || !command.onClaimTaken || !(await command.onClaimTaken(error, claim))) throw error;
          takeOver.set(error.key, error.holder);
        } else if (!(error instanceof ConcurrencyError)) {
          throw error;
        } else if (command.ifMatch !== undefined) {
          throw new RevisionMismatchError(command.ifMatch, undefined);
        }
        if (attempt >= this.attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
        continue;
      }
      for (const hook of this.afterAppend) await hook(committed);
      return { state: after, history, appended, revision: committed.revision, committed };
    }
  }
}
