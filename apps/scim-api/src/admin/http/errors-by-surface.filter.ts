import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '../../app.tokens';
import { ScimExceptionFilter } from '../../http/scim-exception.filter';
import { sendConsoleError } from '../console/console-errors';
import { isAdminPath, isConsolePath } from './admin-paths';
import { sendAdminError } from './admin-errors';

/**
 * The app's one exception filter: console pages answer an error page, admin routes admin error JSON, everything else goes to
 * SCIM's filter (RFC 7644 §3.12 errors). Nest also sends what fails before routing (an unparsable
 * body) here, so the choice is made by path rather than by controller.
 */
@Catch()
export class ErrorsBySurfaceFilter implements ExceptionFilter {
  private readonly scim: ScimExceptionFilter;

  constructor(@Inject(LOGGER) private readonly logger: Logger) {
    this.scim = new ScimExceptionFilter(logger);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (isConsolePath(request.url)) sendConsoleError(error, request, http.getResponse<FastifyReply>(), this.logger);
    else if (isAdminPath(request.url)) sendAdminError(error, request, http.getResponse<FastifyReply>(), this.logger);
    else this.scim.catch(error, host);
  }
}
