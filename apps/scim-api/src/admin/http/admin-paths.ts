/** Every admin route lives under this prefix; nothing under /admin is SCIM. */
export const ADMIN_ROUTE_PREFIX = 'admin/v1';

/** Whether a request URL belongs to the admin plane (the router matches paths case-insensitively, so this does too). */
export function isAdminPath(url: string): boolean {
  const path = url.split('?')[0].toLowerCase();
  return path === '/admin' || path.startsWith('/admin/');
}

/** Whether a request URL is one of the console's pages: under /admin but not the /admin/v1 API. */
export function isConsolePath(url: string): boolean {
  const path = url.split('?')[0].toLowerCase();
  return isAdminPath(path) && path !== `/${ADMIN_ROUTE_PREFIX}` && !path.startsWith(`/${ADMIN_ROUTE_PREFIX}/`);
}
