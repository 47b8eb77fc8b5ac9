import type { TestVetted } from './harness.ts';

/** In-process requests carry this origin (app.request's default base URL). */
export const CONSOLE_ORIGIN = 'http://localhost';

export interface ConsolePage {
  status: number;
  headers: Headers;
  html: string;
}

/**
 * A browser's part in the console's protocol, for in-process tests: it keeps the session cookie,
 * reads the CSRF token from the pages it gets and sends forms with the page's Origin.
 */
export class ConsoleClient {
  cookie: string | undefined;
  csrf: string | undefined;
  readonly #vt: TestVetted;

  constructor(vt: TestVetted) {
    this.#vt = vt;
  }

  async #send(path: string, init: RequestInit & { headers: Record<string, string> }): Promise<ConsolePage> {
    if (this.cookie) init.headers.cookie = this.cookie;
    const response = await this.#vt.app.request(path, { ...init, redirect: 'manual' });
    const session = /vetted_session=([^;]*)/.exec(response.headers.get('set-cookie') ?? '');
    if (session) this.cookie = session[1] ? `vetted_session=${session[1]}` : undefined;
    const html = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html);
    if (token) this.csrf = token[1];
    return { status: response.status, headers: response.headers, html };
  }

  get(path: string): Promise<ConsolePage> {
    return this.#send(path, { method: 'GET', headers: {} });
  }

  post(
    path: string,
    fields: Record<string, string>,
    { csrf = true, origin = CONSOLE_ORIGIN }: { csrf?: boolean; origin?: string } = {},
  ): Promise<ConsolePage> {
    const body = new URLSearchParams({ ...fields, ...(csrf && this.csrf ? { _csrf: this.csrf } : {}) });
    return this.#send(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    });
  }

  /** A multipart form, as a browser sends a file upload. */
  upload(path: string, fields: Record<string, string | File>): Promise<ConsolePage> {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    if (this.csrf) body.append('_csrf', this.csrf);
    return this.#send(path, { method: 'POST', body, headers: { origin: CONSOLE_ORIGIN } });
  }

  /** Logs in with an API key and loads the first page, so the client holds a CSRF token. */
  async login(key: string): Promise<ConsolePage> {
    const res = await this.post('/ui/login', { key }, { csrf: false });
    if (res.status === 303) await this.get('/ui/templates');
    return res;
  }
}
