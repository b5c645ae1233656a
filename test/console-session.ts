import { TEST_ADMIN_TOKEN } from '@app/testing/admin-client';

export interface ConsoleResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * A browser's HTTP as the console sees it, without the browser: one session cookie, forms posted
 * with the CSRF token the last page carried, redirects not followed. Every body it received is kept,
 * so a test can check that the admin token never came back.
 */
export class ConsoleHttp {
  cookie?: string;
  csrf?: string;
  readonly bodies: string[] = [];

  constructor(readonly origin: string) {}

  async signIn(token = TEST_ADMIN_TOKEN): Promise<ConsoleResponse> {
    const answer = await this.post('/admin/login', { token }, { csrf: false });
    const cookie = answer.headers.get('set-cookie');
    if (cookie) this.cookie = cookie.split(';')[0];
    if (answer.status === 303) await this.get('/admin/idps');
    return answer;
  }

  async get(path: string): Promise<ConsoleResponse> {
    return this.send('GET', path);
  }

  /** A form POST carrying the CSRF token of the last page read (or `csrf` given, or none with false). */
  async post(path: string, fields: Record<string, string | string[]>, options: { csrf?: string | false; origin?: string } = {}): Promise<ConsoleResponse> {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(name, v);
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf) form.append('csrf', csrf);
    return this.send('POST', path, form.toString(), { 'Content-Type': 'application/x-www-form-urlencoded', ...(options.origin ? { Origin: options.origin } : {}) });
  }

  private async send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<ConsoleResponse> {
    const response = await fetch(`${this.origin}${path}`, { method, body, redirect: 'manual', headers: { ...headers, ...(this.cookie ? { Cookie: this.cookie } : {}) } });
    const text = await response.text();
    this.bodies.push(text);
    this.csrf = /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? this.csrf;
    return { status: response.status, headers: response.headers, text };
  }
}
