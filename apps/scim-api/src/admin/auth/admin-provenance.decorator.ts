import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AdminRequest } from './admin-authentication.hook';

/** Who made an admin change, from where, in which request: the metadata of every event it appends. */
export interface AdminProvenance {
  readonly actor: { readonly kind: 'admin'; readonly tokenId: string; readonly name: string };
  readonly correlationId: string;
  readonly clientAddress: string;
}

/** The authenticated administrator's provenance; fails closed on a route the admin hook did not authenticate. */
export const Admin = createParamDecorator((_: unknown, ctx: ExecutionContext): AdminProvenance => adminProvenance(ctx.switchToHttp().getRequest<AdminRequest>()));

/** The same for a request in hand (the console's pages call the admin routes' methods with it). */
export function adminProvenance(request: AdminRequest): AdminProvenance {
  const caller = request.adminCaller;
  if (!caller) throw new Error(`${request.method} ${request.routeOptions.url} was not authenticated by the admin hook`);
  return { actor: { kind: 'admin', tokenId: caller.tokenId, name: caller.label }, correlationId: String(request.id), clientAddress: request.ip };
}
