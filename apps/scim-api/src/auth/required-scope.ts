import type { TokenScope } from '@app/identity/identity-provider/token-scopes';
import { SCIM_ROUTE_PREFIX } from '../http/resource-locations';

const USER_ROUTE = new RegExp(`^/${SCIM_ROUTE_PREFIX}/(Users(/.*)?|\\.search)$`);

/**
 * The scope a request on this route needs: reading users (GET, list, POST .search) users:read,
 * writing them (POST, PUT, PATCH) users:write, DELETE users:delete. Discovery (ServiceProviderConfig,
 * Schemas, ResourceTypes) and the unsupported Groups need only a valid token: undefined.
 */
export function requiredScope(method: string, routeUrl: string): TokenScope | undefined {
  const match = USER_ROUTE.exec(routeUrl);
  if (!match) return undefined;
  if (method === 'GET' || method === 'HEAD' || (method === 'POST' && routeUrl.endsWith('.search'))) return 'users:read';
  return method === 'DELETE' ? 'users:delete' : 'users:write';
}
