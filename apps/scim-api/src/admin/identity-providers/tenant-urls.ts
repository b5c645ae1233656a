import type { FastifyRequest } from 'fastify';
import { Inject, Injectable } from '@nestjs/common';
import { SCIM_ORIGIN } from '../../app.tokens';
import { ResourceLocations, SCIM_ROUTE_PREFIX } from '../../http/resource-locations';

/** The Tenant URL an Entra administrator pastes: where this IdP's SCIM endpoint is, whichever listener the admin request came to. */
@Injectable()
export class TenantUrls {
  constructor(
    private readonly locations: ResourceLocations,
    @Inject(SCIM_ORIGIN) private readonly scimOrigin: string | null,
  ) {}

  tenantUrl(request: FastifyRequest, providerId: string): string {
    if (this.scimOrigin === null) return this.locations.providerBase(request, providerId);
    return `${this.scimOrigin}/${SCIM_ROUTE_PREFIX.replace(':providerId', encodeURIComponent(providerId))}`;
  }
}
