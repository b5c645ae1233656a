import type { ScimRequest } from './scim-auth.guard';
import { isValidProviderId } from '@app/identity/identity-provider/provider-id';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import { IdentityProviderDirectory } from '@app/read-model/store/identity-provider-directory';
import { ScimError } from '@app/scim/errors/scim-error';
import { UserSchema } from '@app/scim/schema/user-schema';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ResourceLocations } from '../http/resource-locations';
import { IdentityProviderLookups } from './identity-provider-lookups';
import { requiredScope } from './required-scope';
import { insufficientScope, unauthorized } from './scim-auth-errors';
import type { ScimCaller } from './scim-request-context';

/**
 * How long a provider lookup (with its tokens) is reused: a disable or revoke made in another
 * process reaches this one within this time after its projection (one made here: at once), and a
 * flood of requests, bad tokens or unknown tenants costs the database a query per IdP and second
 * (plus the list of IdP ids, and at most 20 reads of ids not on it) instead of one per request.
 */
export const AUTH_LOOKUP_TTL_MS = 1000;
const AUTH_LOOKUP_LIMITS = { ttlMs: AUTH_LOOKUP_TTL_MS, maxEntries: 10_000, unlistedReadsPerTtl: 20 };

/**
 * Status order the customer's guide documents: unknown (or retired) provider id → 404; missing,
 * wrong, revoked or expired token → 401; SCIM disabled → 403; then a token without the scope the
 * request needs → 403 insufficient scope. A token only ever opens its own IdP. Reads nothing but
 * the request line and headers.
 */
@Injectable()
export class ScimAuthenticator implements OnModuleDestroy {
  private readonly lookups: IdentityProviderLookups;
  private readonly unsubscribe: () => void;

  constructor(
    providers: IdentityProviderDirectory,
    private readonly locations: ResourceLocations,
  ) {
    this.lookups = new IdentityProviderLookups(providers, AUTH_LOOKUP_LIMITS);
    this.unsubscribe = providers.onChange((providerId) => this.lookups.invalidate(providerId));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  async authenticate(request: FastifyRequest): Promise<ScimCaller> {
    const providerId = (request.params as Record<string, string>).providerId;
    const provider = isValidProviderId(providerId) ? await this.lookups.find(providerId) : undefined;
    if (!provider) throw ScimError.notFound(`No identity provider "${providerId}"; check the Tenant URL`);
    (request as ScimRequest).registeredProviderId = provider.providerId;
    const secret = bearerToken(request.headers.authorization);
    if (!secret) throw unauthorized('A bearer token is required');
    // Looked up by its SHA-256: the lookup's timing can only tell about the digest, never the secret.
    const grant = provider.tokens.get(digestToken(secret));
    if (grant === undefined) throw unauthorized('The bearer token is not valid for this identity provider');
    (request as ScimRequest).recognisedTokenId = grant.tokenId;
    // Against the clock on every request: the record may be cached, the token's end is not.
    if (grant.expiresAt !== undefined && Date.parse(grant.expiresAt) <= Date.now()) throw unauthorized('The bearer token has expired');
    // Fail closed: with part of the IdP's history unprojected, a revoke or a disable may be missing.
    if (provider.quarantined) {
      throw ScimError.serviceUnavailable('This identity provider\'s settings failed to project; an operator must re-project them (npm run reproject)', 300);
    }
    if (!provider.scimEnabled) throw new ScimError(403, 'SCIM provisioning is disabled for this identity provider');
    const scope = requiredScope(request.method, request.routeOptions.url ?? '');
    if (scope !== undefined && !grant.scopes.includes(scope)) throw insufficientScope(scope);
    return {
      providerId: provider.providerId,
      tokenId: grant.tokenId,
      schema: UserSchema.withCustomAttributes(provider.customAttributes),
      rebaselineMatchingPosts: provider.rebaselineMatchingPosts,
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
