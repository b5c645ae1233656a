import { IdentityProviderDirectory, ProviderDetails } from '@app/read-model/store/identity-provider-directory';
import { DomainError } from '@app/identity/shared/domain-error';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TenantUrls } from './tenant-urls';

export type ProviderView = ProviderDetails & { readonly tenantUrl: string };

/** IdPs as the admin API shows them: what the read model has (after a write: its result), with the Tenant URL to hand to the customer. */
@Injectable()
export class IdentityProviderViews {
  constructor(
    private readonly directory: IdentityProviderDirectory,
    private readonly tenantUrls: TenantUrls,
  ) {}

  async list(request: FastifyRequest) {
    const providers = await this.directory.listProviders();
    return providers.map((p) => ({ ...p, tenantUrl: this.tenantUrls.tenantUrl(request, p.providerId) }));
  }

  /** @throws DomainError PROVIDER_NOT_FOUND for an id never registered. */
  async describe(request: FastifyRequest, providerId: string): Promise<ProviderView> {
    const details = await this.directory.describeProvider(providerId);
    if (!details) throw new DomainError('PROVIDER_NOT_FOUND', `No identity provider "${providerId}"`);
    return { ...details, tenantUrl: this.tenantUrls.tenantUrl(request, providerId) };
  }
}
