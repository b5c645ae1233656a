export interface ScimResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Raw body text, sent as is. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly token?: string | null;
}

/** A small SCIM client over real HTTP, sending what Entra sends: scim+json with charset, Bearer token. */
export class ScimClient {
  constructor(
    readonly tenantUrl: string,
    readonly token: string,
  ) {}

  request(method: string, path: string, options: RequestOptions = {}): Promise<ScimResponse> {
    return scimRequest(method, `${this.tenantUrl}${path}`, { token: this.token, ...options });
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
  post = (path: string, body: unknown, options?: RequestOptions) => this.request('POST', path, { ...options, body });
  put = (path: string, body: unknown, options?: RequestOptions) => this.request('PUT', path, { ...options, body });
  patch = (path: string, body: unknown, options?: RequestOptions) => this.request('PATCH', path, { ...options, body });
  delete = (path: string, options?: RequestOptions) => this.request('DELETE', path, options);
}

export async function scimRequest(method: string, url: string, options: RequestOptions = {}): Promise<ScimResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/scim+json; charset=utf-8';
  }
  const response = await fetch(url, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // left as text: the test asserts on it
  }
  return { status: response.status, headers: response.headers, body };
}
