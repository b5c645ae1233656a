import { decideReplace } from '@app/identity/user/user.decide';
import type { AppConfig } from '@app/platform/config/app-config';
import { checkValueBounds } from '@app/scim/limits/value-bounds';
import { normalizeResource } from '@app/scim/resource/normalize-resource';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG } from '../../app.tokens';
import { UserWriter, WrittenUser } from '../shared/user-writer';
import { ReplaceUserCommand } from './replace-user.command';

@CommandHandler(ReplaceUserCommand)
export class ReplaceUserHandler implements ICommandHandler<ReplaceUserCommand, WrittenUser> {
  constructor(
    private readonly writer: UserWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, userId, ifMatch }: ReplaceUserCommand): Promise<WrittenUser> {
    // Every member sent, kept or dropped, ends up in the event's provenance: all are bounded.
    checkValueBounds(input.body, this.config.limits, '');
    const { attributes, dropped } = normalizeResource(input.schema, input.body);
    const write = { providerId: input.providerId, userId, provenance: input.provenance, ifMatch };
    return this.writer.write(write, (state) => ({ events: decideReplace(state, { attributes }), dropped }));
  }
}
