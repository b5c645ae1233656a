import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ScimRequest } from './scim-auth.guard';
import type { ScimRequestContext } from './scim-request-context';

/** The request context the ScimAuthGuard built. */
export const ScimContext = createParamDecorator((_: unknown, ctx: ExecutionContext): ScimRequestContext => {
  const context = ctx.switchToHttp().getRequest<ScimRequest>().scim;
  if (!context) throw new Error('ScimContext used on a route without ScimAuthGuard');
  return context;
});
