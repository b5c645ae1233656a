import { AdminAnswer, AdminQuery, adminRef, INSTANT } from '../../openapi/admin-shapes';
import { LogPoint, parseInstant, parseLogPoint } from '@app/identity/user/user.history';
import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UserIdPipe } from '../../http/user-id.pipe';
import { TenantUrls } from '../identity-providers/tenant-urls';
import { AdminRequestError } from '../http/admin-errors';
import { ADMIN_ROUTE_PREFIX } from '../http/admin-paths';
import { UserHistory } from './user-history';

/** A user's history and any past state of it, for support and auditors, from the event log. */
@Controller(`${ADMIN_ROUTE_PREFIX}/identity-providers/:providerId/users/:userId`)
export class UserHistoryController {
  constructor(
    private readonly users: UserHistory,
    private readonly tenantUrls: TenantUrls,
  ) {}

  /** Every event of the user in order, with its provenance; ?from= and ?to= (ISO 8601, inclusive) narrow it. */
  @AdminAnswer(200, "Every event of the user, in order, with who acted and in which request", adminRef('UserHistory'))
  @AdminQuery({ from: { description: 'Events at or after this time', schema: INSTANT }, to: { description: 'Events at or before this time', schema: INSTANT } })
  @Get('history')
  async history(@Param('providerId') providerId: string, @Param('userId', UserIdPipe) userId: string, @Query() query: Record<string, unknown>) {
    onlyParameters(query, ['from', 'to']);
    const window = { from: instant(query, 'from'), to: instant(query, 'to') };
    return { providerId, userId, events: await this.users.history(providerId, userId, window) };
  }

  /** The user's SCIM representation folded from its stream up to ?at= (an ISO 8601 time or a log position). */
  @AdminAnswer(200, 'The user as the log says it was then', adminRef('UserAsOf'))
  @AdminQuery({
    at: {
      required: true,
      description: 'An ISO 8601 time with a zone, or a log position (a positive integer)',
      schema: { type: 'string', anyOf: [INSTANT, { pattern: '^[1-9][0-9]{0,14}$' }] },
    },
  })
  @Get('as-of')
  async asOf(@Req() request: FastifyRequest, @Param('providerId') providerId: string, @Param('userId', UserIdPipe) userId: string, @Query() query: Record<string, unknown>) {
    onlyParameters(query, ['at']);
    const at = query.at;
    const point: LogPoint | undefined = typeof at === 'string' ? parseLogPoint(at) : undefined;
    if (!point) throw AdminRequestError.badRequest('?at= takes an ISO 8601 time with a zone (2026-12-02T07:00:00Z) or a log position (a positive integer)');
    const location = `${this.tenantUrls.tenantUrl(request, providerId)}/Users/${encodeURIComponent(userId)}`;
    return { providerId, userId, at, ...(await this.users.asOf(providerId, userId, point, at as string, location)) };
  }
}

function onlyParameters(query: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(query).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw AdminRequestError.badRequest(`Unknown query parameter ${unknown[0]}; this route takes ${allowed.map((p) => `?${p}=`).join(', ')}`);
}

function instant(query: Record<string, unknown>, name: string): number | undefined {
  const text = query[name];
  if (text === undefined) return undefined;
  const at = typeof text === 'string' ? parseInstant(text) : undefined;
  if (at === undefined) throw AdminRequestError.badRequest(`?${name}= takes an ISO 8601 time with a zone, e.g. 2026-12-02T07:00:00Z`);
  return at;
}
