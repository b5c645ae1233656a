import { isValidProviderId } from '@app/identity/identity-provider/provider-id';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import { IdentityProviderDirectory, ProviderRecord, TokenRecord } from '@app/read-model/store/identity-provider-directory';
import { ScimError } from '@app/scim/errors/scim-error';
import { UserSchema } from '@app/scim/schema/user-schema';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { ResourceLocations } from '../http/resource-locations';
import { LookupCache } from './lookup-cache';
import type { ScimCaller } from './scim-request-context';

/**
 * How long a provider or token lookup is reused: a disable or revoke reaches every instance within
 * this time after its projection, and a flood of requests (or of bad tokens) costs the database
 * one query per key and second instead of one per request.
 */
export const AUTH_LOOKUP_TTL_MS = 1000;
const AUTH_LOOKUP_MAX_ENTRIES = 10_000;

/**
 * Status order the customer's guide documents: unknown provider id → 404, missing or wrong token
 * → 401, SCIM disabled → 403. A token only ever opens its own IdP. Reads nothing but the URL and headers.
 */
@Injectable()
export class ScimAuthenticator {
  private readonly providerLookups = new LookupCache<ProviderRecord>(AUTH_LOOKUP_TTL_MS, AUTH_LOOKUP_MAX_ENTRIES);
  private readonly tokenLookups = new LookupCache<TokenRecord>(AUTH_LOOKUP_TTL_MS, AUTH_LOOKUP_MAX_ENTRIES);

  constructor(
    private readonly providers: IdentityProviderDirectory,
    private readonly locations: ResourceLocations,
  ) {}

  async authenticate(request: FastifyRequest): Promise<ScimCaller> {
    const providerId = (request.params as Record<string, string>).providerId;
    const provider = isValidProviderId(providerId) ? await this.providerLookups.get(providerId, () => this.providers.findProvider(providerId)) : undefined;
    if (!provider) throw ScimError.notFound(`No identity provider "${providerId}"; check the Tenant URL`);
    const secret = bearerToken(request.headers.authorization);
    if (!secret) throw unauthorized('A bearer token is required');
    const digest = digestToken(secret);
    const token = await this.tokenLookups.get(digest, () => this.providers.findToken(digest));
    if (!token || token.revoked || token.providerId !== provider.providerId || !sameDigest(token.digest, digest)) {
      throw unauthorized('The bearer token is not valid for this identity provider');
    }
    // Fail closed: with part of the IdP's history unprojected, a revoke or a disable may be missing.
    if (provider.quarantined) {
      throw ScimError.serviceUnavailable('This identity provider\'s settings failed to project; an operator must re-project them (npm run reproject)', 300);
    }
    if (!provider.scimEnabled) throw new ScimError(403, 'SCIM provisioning is disabled for this identity provider');
    return {
      providerId: provider.providerId,
      tokenId: token.tokenId,
      schema: UserSchema.withCustomAttributes(provider.customAttributes),
      requestId: String(request.id),
      clientAddress: request.ip,
      method: request.method,
      path: request.url.split('?')[0],
      baseUrl: this.locations.providerBase(request, provider.providerId),
    };
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

function unauthorized(detail: string): ScimError {
  return new ScimError(401, detail);
}
