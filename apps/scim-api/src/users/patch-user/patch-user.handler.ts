import { decidePatch } from '@app/identity/user/user.decide';
import type { AppConfig } from '@app/platform/config/app-config';
import { checkValueBounds } from '@app/scim/limits/value-bounds';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG } from '../../app.tokens';
import { UserWriter } from '../shared/user-writer';
import { PatchUserCommand } from './patch-user.command';

@CommandHandler(PatchUserCommand)
export class PatchUserHandler implements ICommandHandler<PatchUserCommand, void> {
  constructor(
    private readonly writer: UserWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ context, userId, operations, ifMatch }: PatchUserCommand): Promise<void> {
    const { limits } = this.config;
    // Members besides Operations go only into the event's provenance; they are bounded like any value.
    for (const [key, value] of Object.entries(context.body as Record<string, unknown>)) {
      if (key.toLowerCase() !== 'operations') checkValueBounds(value, limits, key);
    }
    const command = { schema: context.schema, operations, limits };
    await this.writer.write(context, userId, (state) => decidePatch(state, command), { ifMatch });
  }
}
