import { decidePatch } from '@app/identity/user/user.decide';
import type { AppConfig } from '@app/platform/config/app-config';
import { checkValueBounds } from '@app/scim/limits/value-bounds';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG } from '../../app.tokens';
import { UserWriter, WrittenUser } from '../shared/user-writer';
import { PatchUserCommand } from './patch-user.command';

@CommandHandler(PatchUserCommand)
export class PatchUserHandler implements ICommandHandler<PatchUserCommand, WrittenUser> {
  constructor(
    private readonly writer: UserWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ input, userId, operations, ifMatch }: PatchUserCommand): Promise<WrittenUser> {
    const { limits } = this.config;
    // Members besides Operations go only into the event's provenance; they are bounded like any value.
    for (const [key, value] of Object.entries(input.body as Record<string, unknown>)) {
      if (key.toLowerCase() !== 'operations') checkValueBounds(value, limits, key);
    }
    const command = { schema: input.schema, operations, limits };
    const write = { providerId: input.providerId, userId, provenance: input.provenance, ifMatch };
    return this.writer.write(write, (state) => decidePatch(state, command));
  }
}
