import type { IntegrationEventRelay } from '@app/integration-events/relay/integration-event-relay';
import type { Stores } from '@app/read-model/open-stores';
import { ReadModelProjector } from '@app/read-model/projections/read-model.projector';
import { ScimError } from '@app/scim/errors/scim-error';
import { Controller, Get, Inject } from '@nestjs/common';
import { RELAY, STORES } from './app.tokens';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';

/** Liveness and readiness for orchestrators; readiness touches the database and reports publishing lag. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(RELAY) private readonly relay: IntegrationEventRelay | null,
    private readonly projector: ReadModelProjector,
  ) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process is up', content: { 'application/json': { schema: { type: 'object', required: ['status'], properties: { status: { enum: ['ok'] } } } } } })
  live() {
    return { status: 'ok' };
  }

  /**
   * Ready as long as SCIM can be served (the database and the event log answer): a Kafka outage shows as lag, and quarantined projection
   * failures as status "degraded" (every other user is served), never as unreadiness.
   */
  @Get('ready')
  @ApiOkResponse({
    description: 'The database and the event log answer; projection status, the log position and, with Kafka, the relay lag',
    content: { 'application/json': { schema: { type: 'object', required: ['status'], properties: { status: { enum: ['ok', 'degraded'] }, projectedPosition: { type: 'integer' }, logPosition: { type: 'integer' }, projectionFailures: { type: 'object' }, kafka: { type: 'object' } } } } },
  })
  @ApiServiceUnavailableResponse({
    description: 'The database or the event log does not answer (RFC 7644 §3.12 error JSON, with Retry-After)',
    content: { 'application/scim+json': { schema: { $ref: '#/components/schemas/ScimError' } } },
  })
  async ready() {
    await this.stores.db.query('SELECT 1');
    // The event log too: on EventStoreDB it is another server than the read model's.
    const logPosition = await this.stores.events.headPosition().catch(() => {
      throw ScimError.serviceUnavailable('The event log does not answer', 5);
    });
    return { ...(await this.projector.readiness()), logPosition, ...(this.relay ? { kafka: this.relay.current } : {}) };
  }
}
