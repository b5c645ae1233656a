import { digestToken } from '@app/identity/identity-provider/token-digest';
import type { AppConfig } from '@app/platform/config/app-config';
import { RequestOptions, ScimResponse, scimRequest } from './scim-client';

/** The ADMIN_TOKEN test servers started with {@link withAdminToken} accept. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** Configuration overrides: ADMIN_TOKEN set to {@link TEST_ADMIN_TOKEN} (only its digest is kept), plus any other admin settings. */
export function withAdminToken(admin: Partial<AppConfig['admin']> = {}): Pick<AppConfig, 'admin'> {
  return { admin: { tokenDigest: digestToken(TEST_ADMIN_TOKEN), ...admin } };
}

/** A client of /admin/v1 over real HTTP: JSON in and out, an admin bearer token (or none, or a wrong one). */
export class AdminClient {
  constructor(
    readonly origin: string,
    readonly token: string | null = TEST_ADMIN_TOKEN,
  ) {}

  request(method: string, path: string, options: RequestOptions = {}): Promise<ScimResponse> {
    const headers: Record<string, string> = options.body === undefined && options.rawBody === undefined ? {} : { 'Content-Type': 'application/json' };
    return scimRequest(method, `${this.origin}/admin/v1${path}`, { token: this.token, ...options, headers: { ...headers, ...options.headers } });
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
  post = (path: string, body?: unknown, options?: RequestOptions) => this.request('POST', path, { ...options, body });
  patch = (path: string, body: unknown, options?: RequestOptions) => this.request('PATCH', path, { ...options, body });
  delete = (path: string, options?: RequestOptions) => this.request('DELETE', path, options);
}
