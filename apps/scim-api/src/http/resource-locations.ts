import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../app.tokens';
import type { AppConfig } from '@app/platform/config/app-config';

export const SCIM_ROUTE_PREFIX = 'scim/v2/enterprise-idps/:providerId';

/** Builds absolute URLs for meta.location and Location: PUBLIC_BASE_URL when set, else the request's host. */
@Injectable()
export class ResourceLocations {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  providerBase(request: FastifyRequest, providerId: string): string {
    const origin = this.config.publicBaseUrl ?? `${request.protocol}://${request.host}`;
    return `${origin}/scim/v2/enterprise-idps/${encodeURIComponent(providerId)}`;
  }
}
