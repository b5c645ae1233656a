import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ScimCaller, ScimRequestContext } from './scim-request-context';

export type ScimRequest = FastifyRequest & {
  scimCaller?: ScimCaller;
  scim?: ScimRequestContext;
  /** The IdP's token the bearer secret was, even when the request was then refused (expired, SCIM off, scope): for the journal. */
  recognisedTokenId?: string;
  /** The registered IdP the URL named, even when the request was then refused (token, SCIM off, scope): for the metrics. */
  registeredProviderId?: string;
};

/**
 * Completes the request context with the parsed body. Authentication itself ran in the onRequest
 * hook (scim-authentication.hook.ts), before any body byte was read; a SCIM route it did not cover
 * fails closed.
 */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ScimRequest>();
    if (!request.scimCaller) throw new Error(`${request.method} ${request.routeOptions.url} was not authenticated by the onRequest hook`);
    request.scim = { ...request.scimCaller, body: request.body };
    return true;
  }
}
