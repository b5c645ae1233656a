import { ConcurrencyError } from '@app/event-store/concurrency.error';
import { EVENT_STORE, EventStore } from '@app/event-store/event-store.port';
import { DomainError } from '@app/identity/shared/domain-error';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { UserEvent } from '@app/identity/user/user.events';
import { evolveUser, foldUser, UserState } from '@app/identity/user/user.state';
import { ReadModelProjector } from '@app/read-model/projections/read-model.projector';
import { ScimError } from '@app/scim/errors/scim-error';
import { checkResourceLimits } from '@app/scim/limits/resource-limits';
import type { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import type { AppConfig } from '@app/platform/config/app-config';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, RELAY } from '../../app.tokens';
import type { ScimRequestContext } from '../../auth/scim-request-context';
import { toNewEvents } from './event-metadata';
import { KeyedLock } from './keyed-lock';
import { UniqueValueReservations } from './unique-value-reservations';

const ATTEMPTS = 10;

export interface UserDecision {
  readonly events: readonly UserEvent[];
  readonly dropped?: readonly string[];
}

export interface WriteOptions {
  /** The revision from If-Match; a stale one answers 412 instead of retrying. */
  readonly ifMatch?: number;
}

/**
 * Load → decide → check the resulting user against the limits → reserve unique values → append with
 * the revision decided on → wait for the read model (read-your-writes). What the read model could not
 * hold is refused before anything is appended. A concurrent writer makes it reload and decide again, a bounded number
 * of times; with If-Match the conflict is the client's to resolve (412).
 */
@Injectable()
export class UserWriter {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly reservations: UniqueValueReservations,
    private readonly projector: ReadModelProjector,
    @Inject(RELAY) private readonly relay: IntegrationEventRelay | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private readonly streamLocks = new KeyedLock();

  write(context: ScimRequestContext, userId: string, decide: (state: UserState) => UserDecision, options: WriteOptions = {}): Promise<void> {
    const streamId = StreamIds.user(context.providerId, userId);
    // Writes to one user from this process queue up; conflicts remain possible only across processes.
    return this.streamLocks.run(streamId, () => this.decideAndAppend(context, streamId, userId, decide, options));
  }

  private async decideAndAppend(
    context: ScimRequestContext,
    streamId: string,
    userId: string,
    decide: (state: UserState) => UserDecision,
    options: WriteOptions,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.events.readStream(streamId);
      const state = ownedBy(context.providerId, userId, foldUser(recorded as unknown as UserEvent[]));
      const revision = recorded.length === 0 ? 'noStream' : recorded[recorded.length - 1].revision;
      if (options.ifMatch !== undefined && state.status === 'present' && options.ifMatch !== revision) {
        throw ScimError.preconditionFailed(`The user is at version W/"${revision}", not W/"${options.ifMatch}"`);
      }
      const decision = decide(state);
      if (decision.events.length === 0) return;
      const after = decision.events.reduce(evolveUser, state);
      const attributesOf = (s: UserState) => (s.status === 'present' ? s.attributes : undefined);
      if (after.status === 'present') checkResourceLimits(attributesOf(state), after.attributes, this.config.limits);
      let result;
      try {
        await this.reservations.reserve(context, userId, attributesOf(state), attributesOf(after));
        result = await this.events.appendToStream(streamId, toNewEvents(context, decision.events, decision.dropped), revision);
      } catch (error) {
        // A refused claim or a conflict means nothing was written: give back what this attempt claimed,
        // so it blocks no name. After any other failure the write may have landed; the claim stays.
        if (error instanceof ConcurrencyError || error instanceof DomainError) {
          await this.reservations.release(context, userId, attributesOf(after), attributesOf(state));
        }
        if (!(error instanceof ConcurrencyError)) throw error;
        if (options.ifMatch !== undefined) throw ScimError.preconditionFailed('The user was changed by another request');
        if (attempt >= ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
        continue;
      }
      await this.reservations.release(context, userId, attributesOf(state), attributesOf(after));
      await this.projector.waitFor(result.position);
      // In embedded mode the relay is in this process: start publishing now rather than at its next poll.
      this.relay?.notify();
      return;
    }
  }
}

/** A stream that folds to another IdP's user is no user of this IdP (defence in depth for tenant isolation). */
function ownedBy(providerId: string, userId: string, state: UserState): UserState {
  if (state.status === 'present' && (state.providerId !== providerId || state.userId !== userId)) return { status: 'absent' };
  return state;
}
