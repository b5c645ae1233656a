import { decideProvision } from '@app/identity/user/user.decide';
import type { AppConfig } from '@app/platform/config/app-config';
import { checkValueBounds } from '@app/scim/limits/value-bounds';
import { normalizeResource } from '@app/scim/resource/normalize-resource';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG } from '../../app.tokens';
import { randomUUID } from 'node:crypto';
import { UserWriter } from '../shared/user-writer';
import { CreateUserCommand } from './create-user.command';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand, string> {
  constructor(
    private readonly writer: UserWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ context }: CreateUserCommand): Promise<string> {
    // Every member sent, kept or dropped, ends up in the event's provenance: all are bounded.
    checkValueBounds(context.body, this.config.limits, '');
    const { attributes, dropped } = normalizeResource(context.schema, context.body);
    const userId = randomUUID();
    const command = { providerId: context.providerId, userId, attributes };
    await this.writer.write(context, userId, (state) => ({ events: decideProvision(state, command), dropped }));
    return userId;
  }
}
