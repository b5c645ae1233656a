import type { ApiRequest } from './command';

/** What the admin API answered with an error: its status, code word and message. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** Where the admin API is, and the admin token to show it. */
export interface AdminApiTarget {
  readonly url: string;
  readonly token: string;
}

/** ADMIN_URL, else the local server's admin listener (ADMIN_PORT) or its SCIM port (PORT, default 3000). */
export function adminApiUrl(env: NodeJS.ProcessEnv): string {
  return (env.ADMIN_URL || `http://127.0.0.1:${env.ADMIN_PORT || env.PORT || 3000}`).replace(/\/+$/, '');
}

/** Sends one request to /admin/v1 and returns its JSON; an error answer becomes an AdminApiError. */
export async function callAdminApi(target: AdminApiTarget, request: ApiRequest, fetchFn: typeof fetch = fetch): Promise<unknown> {
  const response = await send(target, request, fetchFn);
  const text = await response.text();
  const body = parseJson(text);
  if (response.ok) return body;
  throw answerError(response, text, body);
}

/** Sends one request to /admin/v1 and returns its body as it arrives; an error answer becomes an AdminApiError. */
export async function streamAdminApi(target: AdminApiTarget, request: ApiRequest, fetchFn: typeof fetch = fetch): Promise<AsyncIterable<Uint8Array>> {
  const response = await send(target, request, fetchFn);
  if (response.ok && response.body) return response.body;
  const text = await response.text();
  throw answerError(response, text, parseJson(text));
}

async function send(target: AdminApiTarget, request: ApiRequest, fetchFn: typeof fetch): Promise<Response> {
  const url = `${target.url}/admin/v1${request.path}`;
  const headers: Record<string, string> = { Authorization: `Bearer ${target.token}`, Accept: 'application/json' };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetchFn(url, { method: request.method, headers, body: request.body === undefined ? undefined : JSON.stringify(request.body) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new AdminApiError(0, 'UNREACHABLE', `Cannot reach the admin API at ${target.url} (${reason}); is the server running? Set ADMIN_URL to where it listens.`);
  }
}

function answerError(response: Response, text: string, body: unknown): AdminApiError {
  const error = body as { error?: unknown; message?: unknown } | undefined;
  return new AdminApiError(
    response.status,
    typeof error?.error === 'string' ? error.error : `HTTP_${response.status}`,
    typeof error?.message === 'string' ? error.message : `The admin API answered ${response.status}: ${text.slice(0, 200)}`,
  );
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
