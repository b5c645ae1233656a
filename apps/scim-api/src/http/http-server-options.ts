import { PROVIDER_ID_MAX_LENGTH } from '@app/identity/identity-provider/provider-id';
import type { HttpConfig } from '@app/platform/config/app-config';

/**
 * Longest path segment the router matches: well above the longest provider id (so every id that
 * registration accepts is reachable) and custom schema URNs; a longer segment answers 414.
 */
export const ROUTE_PARAM_MAX_LENGTH = 8 * PROVIDER_ID_MAX_LENGTH;

/** How often Node looks for requests past their header or request timeout (its default is 30 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/**
 * Fastify and Node server options from config.http: a request (headers and body) must arrive within
 * requestTimeoutMs and its headers within headersTimeoutMs (Node answers 408 and closes); a silent
 * connection is closed a little after requestTimeoutMs, an idle keep-alive one after keepAliveTimeoutMs.
 */
export function httpServerOptions(http: HttpConfig) {
  // Node refuses a header timeout longer than the request timeout.
  const headersTimeout = Math.min(http.headersTimeoutMs, http.requestTimeoutMs);
  return {
    requestTimeout: http.requestTimeoutMs,
    // Later than the request timeout (checked every TIMEOUT_CHECK_INTERVAL_MS): a body that stops arriving is answered 408, not closed in silence by the idle timer.
    connectionTimeout: http.requestTimeoutMs + 2 * TIMEOUT_CHECK_INTERVAL_MS,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    // While stopping, a request already on an open connection is served (with Connection: close), not answered 503.
    return503OnClosing: false,
    http: { headersTimeout, requestTimeout: http.requestTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
  };
}
