import { AdminAnswer, adminRef } from '../../openapi/admin-shapes';
import { RebuildJobRunner } from '@app/read-model/rebuild/rebuild-job-runner';
import { RebuildJobs, RebuildRunningError } from '@app/read-model/rebuild/rebuild-jobs';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Admin, AdminProvenance } from '../auth/admin-provenance.decorator';
import { adminBody } from '../http/admin-body';
import { AdminRequestError } from '../http/admin-errors';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';

export class StartRebuildDto {
  @ApiPropertyOptional({ default: false, description: 'Compare the rebuilt read model with the live one, row by row' })
  @IsOptional()
  @IsBoolean({ message: 'verify must be true or false' })
  verify?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Then make the live read model equal to the rebuilt one' })
  @IsOptional()
  @IsBoolean({ message: 'promote must be true or false' })
  promote?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rebuild the read model from the log in the background, compare it with the live one, promote it; one job at a time. */
@Controller(`${ADMIN_ROUTE_PREFIX}/audit/rebuilds`)
export class ReadModelRebuildController {
  constructor(
    private readonly runner: RebuildJobRunner,
    private readonly jobs: RebuildJobs,
  ) {}

  @AdminAnswer(202, 'The job, started', adminRef('RebuildJob'))
  @Post()
  @HttpCode(202)
  @ApiBody({ type: StartRebuildDto, required: false })
  async start(@Admin() admin: AdminProvenance, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const { verify = false, promote = false } = adminBody(StartRebuildDto, body);
    try {
      const { id } = await this.runner.start({ verify, promote }, { tokenId: admin.actor.tokenId, label: admin.actor.name });
      const location = `/${ADMIN_ROUTE_PREFIX}/audit/rebuilds/${id}`;
      void reply.header('Location', location);
      return { id, state: 'running', verify, promote, location };
    } catch (error) {
      if (error instanceof RebuildRunningError) throw new AdminRequestError(409, 'REBUILD_RUNNING', error.message);
      throw error;
    }
  }

  @AdminAnswer(200, 'The job: state, progress and, when done, the differences', adminRef('RebuildJob'))
  @Get(':id')
  async show(@Param('id') id: string) {
    const job = UUID.test(id) ? await this.jobs.get(id.toLowerCase()) : undefined;
    if (!job) throw AdminRequestError.notFound(`No rebuild has the id ${id.slice(0, 100)}`);
    return job;
  }
}
