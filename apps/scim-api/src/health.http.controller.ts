import { Controller, Get, Inject } from '@nestjs/common';
import { ReadModelProjector } from '@app/read-model/projections/read-model.projector';
import { STORES } from './app.tokens';
import type { Stores } from '@app/read-model/open-stores';

/** Liveness and readiness for orchestrators; readiness touches the database. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(STORES) private readonly stores: Stores,
    private readonly projector: ReadModelProjector,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    await this.stores.db.query('SELECT 1');
    return { status: 'ok', projectedPosition: await this.projector.catchUp() };
  }
}
