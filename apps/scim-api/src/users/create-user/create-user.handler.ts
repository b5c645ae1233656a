import { decideProvision } from '@app/identity/user/user.decide';
import type { AppConfig } from '@app/platform/config/app-config';
import { checkValueBounds } from '@app/scim/limits/value-bounds';
import { normalizeResource } from '@app/scim/resource/normalize-resource';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../../app.tokens';
import { UserWriter, WrittenUser } from '../shared/user-writer';
import { CreateUserCommand } from './create-user.command';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand, WrittenUser> {
  constructor(
    private readonly writer: UserWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input }: CreateUserCommand): Promise<WrittenUser> {
    // Every member sent, kept or dropped, ends up in the event's provenance: all are bounded.
    checkValueBounds(input.body, this.config.limits, '');
    const { attributes, dropped } = normalizeResource(input.schema, input.body);
    const userId = randomUUID();
    const command = { providerId: input.providerId, userId, attributes };
    return this.writer.write({ providerId: input.providerId, userId, provenance: input.provenance }, (state) => ({
      events: decideProvision(state, command),
      dropped,
    }));
  }
}
