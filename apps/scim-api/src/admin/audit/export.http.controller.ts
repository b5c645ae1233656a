import { AdminQuery, ExportAnswer } from '../../openapi/admin-shapes';
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { LOGGER } from '../../app.tokens';
import { whenRequestEnds } from '../../http/when-request-ends';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';
import type { ExportScope } from '@app/audit/export-records';
import { PROVIDER_ID_MAX_LENGTH } from '@app/identity/identity-provider/provider-id';
import type { ExportEnd } from '@app/audit/export-writer';
import { exportScope } from './export-scope';
import { EventLogExport } from './export-source';

/** The event log as hash-chained NDJSON, for auditors: whole, one IdP's (?providerId=) or one user's (&userId=). */
@Controller(`${ADMIN_ROUTE_PREFIX}/audit`)
export class EventLogExportController {
  constructor(
    private readonly exports: EventLogExport,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Streamed as read: the next batch is read only when the client has taken the last one, and a
   * client that leaves stops the export. A failure once streaming has begun cuts the response
   * short, so the file has no trailer and fails verification.
   */
  @ExportAnswer()
  @AdminQuery({
    providerId: { description: "Only this IdP's events", schema: { type: 'string', pattern: `^[A-Za-z0-9][A-Za-z0-9._-]{0,${PROVIDER_ID_MAX_LENGTH - 1}}$` } },
    userId: { description: "Only this user's events (needs providerId)", schema: { type: 'string', format: 'uuid' } },
  })
  @Get('export')
  async export(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const scope = exportScope(query);
    const release = this.exports.claim();
    whenRequestEnds(request, reply, release);
    const chunks = await this.exports.open(scope);
    void reply
      .header('Content-Type', 'application/x-ndjson; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(Readable.from(this.logged(chunks, scope, String(request.id))));
  }

  /** The head of every export served goes to the service's log too: a record of it the auditor did not have to keep. */
  private async *logged(chunks: AsyncGenerator<string, ExportEnd>, scope: ExportScope, requestId: string): AsyncGenerator<string> {
    try {
      const { count, head } = yield* chunks;
      this.logger.info({ requestId, scope: scope.kind, events: count, head }, 'event log export written');
    } catch (error) {
      this.logger.error({ err: error, requestId }, 'event log export failed while streaming; the response was cut short');
      throw error;
    }
  }
}
