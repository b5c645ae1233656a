import { CommandHandler, HandledCommand, RevisionMismatchError } from '@app/event-store/command-handling/command-handler';
import { COMMAND_STORE, CommandStore } from '@app/event-store/command-handling/command-store.port';
import { foldStream } from '@app/event-store/command-handling/typed-stream';
import type { ClaimTakenError } from '@app/event-store/command-handling/unique-claim';
import type { NewEvent } from '@app/event-store/event-store.port';
import { StreamIds } from '@app/identity/shared/stream-ids';
import { claimStillBinds } from '@app/identity/user/stale-claim';
import { UniqueValueTakenError } from '@app/identity/user/user.errors';
import { isUserEvent, UserEvent } from '@app/identity/user/user.events';
import { evolveUser, initialUserState, UserState } from '@app/identity/user/user.state';
import type { AppConfig } from '@app/platform/config/app-config';
import type { UserRow } from '@app/read-model/store/user-read-model';
import { ScimError } from '@app/scim/errors/scim-error';
import { checkResourceLimits } from '@app/scim/limits/resource-limits';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, COMMAND_HANDLER } from '../../app.tokens';
import { eventMetadata, Provenance, toNewEvents } from './event-metadata';
import { attributesOf, UserClaim, userClaims } from './user-claims';

/** Which user a write is for, on whose behalf, and the revision from If-Match (a stale one answers 412). */
export interface UserWrite {
  readonly providerId: string;
  readonly userId: string;
  readonly provenance: Provenance;
  readonly ifMatch?: number;
  /** The user id was just made for this write (a POST): there is no stream to read first. */
  readonly newUser?: boolean;
}

export interface UserDecision {
  readonly events: readonly UserEvent[];
  readonly dropped?: readonly string[];
}

/** What a write leaves for the response: the user as the read model now holds it (absent after a delete). */
export interface WrittenUser {
  readonly id: string;
  readonly version: number;
  readonly user?: UserRow;
  /** Hidden from its IdP until its next POST (only an administrator sees such a user). */
  readonly awaitingReprovision: boolean;
}

const USER_STREAM = { initial: initialUserState, evolve: evolveUser, accepts: isUserEvent };

/**
 * The user commands' side of the command handler: the decision is checked against the resource
 * limits, userName and externalId are claimed by the change, a claim held by another user is taken
 * over only when the stale-claim rules say so, and the result is the user to render.
 */
@Injectable()
export class UserWriter {
  constructor(
    @Inject(COMMAND_HANDLER) private readonly handler: CommandHandler,
    @Inject(COMMAND_STORE) private readonly store: CommandStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async write(write: UserWrite, decide: (state: UserState) => UserDecision): Promise<WrittenUser> {
    const { providerId, userId } = write;
    let dropped: readonly string[] = [];
    try {
      const handled = await this.handler.handle<UserState, UserEvent, UserClaim>({
        streamId: StreamIds.user(providerId, userId),
        newStream: write.newUser,
        holder: userId,
        model: { ...USER_STREAM, evolve: (state, event) => ownedBy(providerId, userId, evolveUser(state, event)) },
        decide: (state) => {
          const decision = decide(state);
          const after = decision.events.reduce(evolveUser, state);
          if (after.status === 'present') checkResourceLimits(attributesOf(state), after.attributes, this.config.limits);
          dropped = decision.dropped ?? [];
          return decision.events;
        },
        record: (events) => toNewEvents(eventMetadata(write.provenance, dropped), events),
        metadata: eventMetadata(write.provenance),
        ifMatch: write.ifMatch,
        exists: (state) => state.status === 'present',
        claims: (before, after) => userClaims(providerId, userId, before, after),
        onClaimTaken: (conflict, claim) => this.staleClaim(providerId, conflict, claim),
      });
      return written(userId, handled);
    } catch (error) {
      if (!(error instanceof RevisionMismatchError)) throw error;
      throw ScimError.preconditionFailed(
        error.actual === undefined ? 'The user was changed by another request' : `The user is at version W/"${error.actual}", not W/"${error.expected}"`,
      );
    }
  }

  /** True when the holder's claim is stale (taken over); a claim that still binds is the uniqueness refusal. */
  private async staleClaim(providerId: string, conflict: ClaimTakenError, claim: UserClaim): Promise<boolean> {
    const recorded = await this.store.readStream(StreamIds.user(providerId, conflict.holder));
    const holder = {
      state: foldStream(USER_STREAM, recorded),
      wroteSinceClaim: recorded.some((e) => e.recordedAt.getTime() > conflict.claimedAt.getTime()),
      claimAgeMs: Date.now() - conflict.claimedAt.getTime(),
    };
    if (!claimStillBinds(claim, holder)) return true;
    throw new UniqueValueTakenError(claim.kind, conflict.holder);
  }
}

/** A stream that folds to another IdP's user is no user of this IdP (defence in depth for tenant isolation). */
function ownedBy(providerId: string, userId: string, state: UserState): UserState {
  if (state.status === 'present' && (state.providerId !== providerId || state.userId !== userId)) return { status: 'absent' };
  return state;
}

/** The row the projection builds from the same events: created at the first event, modified at the last. */
function written(userId: string, handled: HandledCommand<UserState>): WrittenUser {
  const version = handled.revision === 'noStream' ? 0 : handled.revision;
  if (handled.state.status !== 'present') return { id: userId, version, awaitingReprovision: false };
  const events: readonly (NewEvent & { readonly recordedAt?: Date })[] = [...handled.history, ...handled.appended];
  const at = (event: (typeof events)[number]) => new Date(event.metadata.occurredAt ?? event.recordedAt);
  const user = { userId, attributes: handled.state.attributes, version, createdAt: at(events[0]), lastModifiedAt: at(events[events.length - 1]) };
  return { id: userId, version, user, awaitingReprovision: handled.state.awaitingReprovision };
}
