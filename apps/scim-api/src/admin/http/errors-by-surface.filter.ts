import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '../../app.tokens';
import { sendScimError } from '../../http/scim-exception.filter';
import { isAdminPath } from './admin-paths';
import { sendAdminError } from './admin-errors';

/**
 * The app's one exception filter: admin routes answer admin error JSON, everything else RFC 7644
 * §3.12 errors. Nest also sends what fails before routing (an unparsable body) here, so the choice is
 * made by path rather than by controller.
 */
@Catch()
export class ErrorsBySurfaceFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const send = isAdminPath(request.url) ? sendAdminError : sendScimError;
    send(error, request, http.getResponse<FastifyReply>(), this.logger);
  }
}
