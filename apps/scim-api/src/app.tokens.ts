export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const STORES = Symbol('STORES');
/** The in-process Kafka relay, or null when this process does not publish. */
export const RELAY = Symbol('RELAY');
/** The write side's command handler, with the app's after-append hooks. */
export const COMMAND_HANDLER = Symbol('COMMAND_HANDLER');
/** Where SCIM is served when the admin routes have their own listener (ADMIN_PORT): the origin of the Tenant URLs they hand out; null beside SCIM. */
export const SCIM_ORIGIN = Symbol('SCIM_ORIGIN');
