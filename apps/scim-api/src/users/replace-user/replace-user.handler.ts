import { decideReplace } from '@app/identity/user/user.decide';
import type { AppConfig } from '@app/platform/config/app-config';
import { checkValueBounds } from '@app/scim/limits/value-bounds';
import { normalizeResource } from '@app/scim/resource/normalize-resource';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG } from '../../app.tokens';
import { UserWriter } from '../shared/user-writer';
import { ReplaceUserCommand } from './replace-user.command';

@CommandHandler(ReplaceUserCommand)
export class ReplaceUserHandler implements ICommandHandler<ReplaceUserCommand, void> {
  constructor(
    private readonly writer: UserWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ context, userId, ifMatch }: ReplaceUserCommand): Promise<void> {
    // Every member sent, kept or dropped, ends up in the event's provenance: all are bounded.
    checkValueBounds(context.body, this.config.limits, '');
    const { attributes, dropped } = normalizeResource(context.schema, context.body);
    await this.writer.write(context, userId, (state) => ({ events: decideReplace(state, { attributes }), dropped }), { ifMatch });
  }
}
