import { UniqueValueTakenError } from '@app/identity/user/user.errors';
import { decideProvision } from '@app/identity/user/user.decide';
import { decideRebaseline, rebaselinesUser } from '@app/identity/user/user.reprovision.decide';
import type { AppConfig } from '@app/platform/config/app-config';
import { checkValueBounds } from '@app/scim/limits/value-bounds';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { normalizeResource } from '@app/scim/resource/normalize-resource';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../../app.tokens';
import { UserWriter, WrittenUser } from '../shared/user-writer';
import { CreateUserCommand } from './create-user.command';

/**
 * Provisions a new user; a POST refused because another user holds its userName or externalId
 * re-baselines that user instead when it awaits re-provisioning (or the IdP re-baselines matching
 * POSTs) and the POST names its userName and externalId: the same id answers 201, and a concurrent
 * POST for it finds it re-baselined and is refused, so there is never a second user.
 */
@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand, WrittenUser> {
  constructor(
    private readonly writer: UserWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, rebaselineMatchingPosts }: CreateUserCommand): Promise<WrittenUser> {
    // Every member sent, kept or dropped, ends up in the event's provenance: all are bounded.
    checkValueBounds(input.body, this.config.limits, '');
    const { attributes, dropped } = normalizeResource(input.schema, input.body);
    const userId = randomUUID();
    const command = { providerId: input.providerId, userId, attributes };
    try {
      return await this.writer.write({ providerId: input.providerId, userId, provenance: input.provenance, newUser: true }, (state) => ({
        events: decideProvision(state, command),
        dropped,
      }));
    } catch (error) {
      if (!(error instanceof UniqueValueTakenError)) throw error;
      return this.rebaseline(input, error, attributes, dropped, rebaselineMatchingPosts);
    }
  }

  /** On the holder's stream, decided on its state as of now: a holder that no longer qualifies is the original 409. */
  private rebaseline(input: CreateUserCommand['input'], taken: UniqueValueTakenError, attributes: UserAttributes, dropped: readonly string[], matchingPosts: boolean) {
    return this.writer.write({ providerId: input.providerId, userId: taken.holder, provenance: input.provenance }, (state) => {
      if (!rebaselinesUser(state, attributes, matchingPosts)) throw taken;
      return { events: decideRebaseline(state, attributes), dropped };
    });
  }
}
