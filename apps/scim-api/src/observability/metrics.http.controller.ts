import { ServiceMetrics } from '@app/platform/metrics/service-metrics';
import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse } from '@nestjs/swagger';

/** Prometheus's scrape target (served beside /health, on the admin listener when ADMIN_PORT is set). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ServiceMetrics) {}

  @Get()
  @ApiOkResponse({ description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.metrics.exposition();
    await reply.header('Content-Type', contentType).send(body);
  }
}
