import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of Gupshup's partner template API, for adapter and integration tests.
 *
 *   const gupshup = await new FakeGupshupServer({ apps: { 'app-1': { token: 'tok-1' } } }).start();
 *   createGupshupProvider({ apiUrl: gupshup.url, appToken: (app) => gupshup.tokenOf(app), timeoutMs: 1000 });
 *   gupshup.script({ status: 503, retryAfter: 7 }, 'apply-then-timeout');  // the next calls misbehave
 *   gupshup.setStatus(id, 'REJECTED', 'INVALID_FORMAT');                  // a review decision
 *   await post('/v1/webhooks/gupshup/<token>', gupshup.templateEvent(id));  // and its callback
 *   gupshup.creates('order_shipped_pl_v1', 'pl');                          // templates really created
 *   await gupshup.stop();
 *
 * Routes (all need `Authorization: <the app's token>`):
 * - `POST /partner/app/{appId}/templates`, form-encoded, validated like Gupshup (required fields,
 *   category, lengths, sequential positional `{{n}}`, samples with the values filled in, duplicates)
 * - `GET /partner/app/{appId}/templates` → `{status: 'success', templates}` (statuses upper case)
 * - `GET /partner/app/{appId}/templates/{id}` → `{status: 'success', template}` or 404
 */

export interface FakeGupshupTemplate {
  id: string;
  appId: string;
  elementName: string;
  languageCode: string;
  category: string;
  oldCategory?: string;
  status: string;
  reason: string | null;
  vertical: string;
  templateType: string;
  data: string;
  meta: string;
  containerMeta: string;
  createdOn: number;
  modifiedOn: number;
}

/**
 * What the next matching call does instead of its normal answer: answer with a status (and body,
 * `Retry-After`), `stall` (never answer; the client must time out), or `apply-then-timeout` (create
 * the template, then never answer). `on` limits a step to one operation (default: any call).
 */
export type FakeGupshupStep =
  | { on?: FakeGupshupOperation; status: number; body?: unknown; retryAfter?: number | string }
  | { on?: FakeGupshupOperation; stall: true }
  | 'stall'
  | 'apply-then-timeout';
export type FakeGupshupOperation = 'apply' | 'list' | 'read';

export interface FakeGupshupRequest {
  operation: FakeGupshupOperation | 'unknown';
  method: string;
  path: string;
  appId: string;
  authorization: string | undefined;
  contentType: string | undefined;
  /** The form fields of an apply call. */
  form: Record<string, string>;
}

export interface FakeGupshupOptions {
  /** Apps this fake knows: token for `Authorization`, and the app name Gupshup writes in callbacks. */
  apps: Record<string, { token: string; name?: string }>;
}

const CATEGORIES = ['AUTHENTICATION', 'MARKETING', 'UTILITY'];
const REQUIRED = ['elementName', 'languageCode', 'content', 'category', 'vertical', 'example'] as const;
const ELEMENT_NAME = /^[a-z0-9_]{1,180}$/;

/** `{{1}}`, `{{2}}`… in order from 1 without gaps; named placeholders are refused. */
function positionalProblem(field: string, text: string): string | null {
  const placeholders = [...text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((match) => match[1] ?? '');
  const numbers: number[] = [];
  for (const placeholder of placeholders) {
    if (!/^\d+$/.test(placeholder)) return `${field}: variable {{${placeholder}}} is not positional`;
    numbers.push(Number(placeholder));
  }
  const distinct = [...new Set(numbers)].sort((a, b) => a - b);
  if (distinct.some((n, index) => n !== index + 1))
    return `${field}: variables must be sequential from {{1}}`;
  return null;
}

function applyProblem(form: Record<string, string>): string | null {
  for (const field of REQUIRED) if (!form[field]) return `${field} is required`;
  const { elementName = '', content = '', category = '', vertical = '', example = '' } = form;
  if (!ELEMENT_NAME.test(elementName))
    return 'elementName must be lower case letters, digits and _, at most 180';
  if (!CATEGORIES.includes(category))
    return 'Invalid category provided, kindly use category from these option AUTHENTICATION, MARKETING, UTILITY';
  if (content.length > 1024) return 'content must not be more than 1024 characters';
  if (vertical.length > 180) return 'vertical must not be more than 180 characters';
  if (form.header !== undefined && form.header.length > 60)
    return 'header must not be more than 60 characters';
  if (form.footer !== undefined && form.footer.length > 60)
    return 'footer must not be more than 60 characters';
  const problem =
    positionalProblem('content', content) ?? (form.header ? positionalProblem('header', form.header) : null);
  if (problem) return problem;
  if (/\{\{/.test(example)) return 'example must be the content with sample values in place of the variables';
  if (form.header && /\{\{/.test(form.header) && !form.exampleHeader) return 'exampleHeader is required';
  if (form.buttons !== undefined) {
    try {
      if (!Array.isArray(JSON.parse(form.buttons))) return 'buttons must be a JSON array';
    } catch {
      return 'buttons must be a JSON array';
    }
  }
  return null;
}

export class FakeGupshupServer {
  readonly templates = new Map<string, FakeGupshupTemplate>();
  readonly requests: FakeGupshupRequest[] = [];
  readonly #options: FakeGupshupOptions;
  readonly #steps: FakeGupshupStep[] = [];
  readonly #created = new Map<string, number>();
  readonly #server: Server;
  #url = '';

  constructor(options: FakeGupshupOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'error', message: String(error) }));
      });
    });
  }

  /** Listens on a free local port. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `http://127.0.0.1:${port}`;
    return this;
  }

  /** The base URL to give the adapter as `apiUrl`. */
  get url(): string {
    return this.#url;
  }

  async stop(): Promise<void> {
    // Stalled calls hold their sockets open; drop them so close() returns.
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  tokenOf(appId: string): string | undefined {
    return this.#options.apps[appId]?.token;
  }

  /** Queues misbehaviour for the next calls, in order. */
  script(...steps: FakeGupshupStep[]): void {
    this.#steps.push(...steps);
  }

  /** How many templates were really created under this name and language (over all apps). */
  creates(elementName: string, languageCode: string): number {
    return this.#created.get(`${elementName}/${languageCode}`) ?? 0;
  }

  find(elementName: string, languageCode: string): FakeGupshupTemplate | undefined {
    return [...this.templates.values()].find(
      (template) => template.elementName === elementName && template.languageCode === languageCode,
    );
  }

  /** A review decision (or a pause, a disable…), as the list will report it: upper case. */
  setStatus(id: string, status: string, reason?: string | null): FakeGupshupTemplate {
    const template = this.#template(id);
    template.status = status.toUpperCase();
    template.reason = reason ?? null;
    template.modifiedOn = Date.now();
    return template;
  }

  /** Meta recategorised the template: the list then shows `oldCategory`. */
  setCategory(id: string, category: string): FakeGupshupTemplate {
    const template = this.#template(id);
    template.oldCategory = template.category;
    template.category = category.toUpperCase();
    template.modifiedOn = Date.now();
    return template;
  }

  /** The `template-event` callback Gupshup would post for the template's current state (status lower case). */
  templateEvent(
    id: string,
    overrides: { status?: string; reason?: string | null; timestamp?: number; description?: string } = {},
  ) {
    const template = this.#template(id);
    const reason = overrides.reason === undefined ? template.reason : overrides.reason;
    return {
      app: this.#options.apps[template.appId]?.name ?? template.appId,
      timestamp: overrides.timestamp ?? Date.now(),
      version: 2,
      type: 'template-event',
      payload: {
        id: template.id,
        status: (overrides.status ?? template.status).toLowerCase(),
        elementName: template.elementName,
        languageCode: template.languageCode,
        ...(reason ? { rejectedReason: reason } : {}),
        ...(overrides.description ? { type: 'status-update', description: overrides.description } : {}),
      },
    };
  }

  #template(id: string): FakeGupshupTemplate {
    const template = this.templates.get(id);
    if (!template) throw new Error(`the fake Gupshup has no template ${id}`);
    return template;
  }

  #nextStep(operation: FakeGupshupOperation): FakeGupshupStep | undefined {
    const index = this.#steps.findIndex((step) =>
      step === 'apply-then-timeout'
        ? operation === 'apply'
        : step === 'stall' || step.on === undefined || step.on === operation,
    );
    return index === -1 ? undefined : this.#steps.splice(index, 1)[0];
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.#url);
    const match = /^\/partner\/app\/([^/]+)\/templates(?:\/([^/]+))?$/.exec(url.pathname);
    const appId = decodeURIComponent(match?.[1] ?? '');
    const templateId = match?.[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const operation: FakeGupshupOperation | 'unknown' = !match
      ? 'unknown'
      : request.method === 'POST' && templateId === undefined
        ? 'apply'
        : request.method === 'GET'
          ? templateId === undefined
            ? 'list'
            : 'read'
          : 'unknown';
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const contentType = request.headers['content-type'];
    const form =
      operation === 'apply' && contentType?.startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(raw))
        : {};
    this.requests.push({
      operation,
      method: request.method ?? '',
      path: url.pathname,
      appId,
      authorization: request.headers.authorization,
      contentType,
      form,
    });

    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (operation === 'unknown') return send(404, { status: 'error', message: 'Not Found' });

    const step = this.#nextStep(operation);
    if (step === 'stall' || (typeof step === 'object' && 'stall' in step)) return;
    if (typeof step === 'object' && 'status' in step) {
      const headers: Record<string, string> =
        step.retryAfter === undefined ? {} : { 'retry-after': String(step.retryAfter) };
      return send(step.status, step.body ?? { status: 'error', message: `scripted ${step.status}` }, headers);
    }

    const token = this.#options.apps[appId]?.token;
    if (!token || request.headers.authorization !== token)
      return send(401, { status: 'error', message: 'Authentication Failed' });

    if (operation === 'list') {
      const templates = [...this.templates.values()].filter((template) => template.appId === appId);
      return send(200, { status: 'success', templates });
    }
    if (operation === 'read') {
      const template = templateId === undefined ? undefined : this.templates.get(templateId);
      if (!template || template.appId !== appId)
        return send(404, { status: 'error', message: 'Template not found' });
      return send(200, { status: 'success', template });
    }

    if (!contentType?.startsWith('application/x-www-form-urlencoded'))
      return send(400, {
        status: 'error',
        message: 'Content-Type must be application/x-www-form-urlencoded',
      });
    const problem = applyProblem(form);
    if (problem) return send(400, { status: 'error', message: problem });
    const { elementName = '', languageCode = '' } = form;
    const existing = [...this.templates.values()].some(
      (template) =>
        template.appId === appId &&
        template.elementName === elementName &&
        template.languageCode === languageCode,
    );
    if (existing)
      return send(400, {
        status: 'error',
        message: 'Template Already exists with same namespace and elementName and languageCode',
      });
    const now = Date.now();
    const template: FakeGupshupTemplate = {
      id: randomUUID(),
      appId,
      elementName,
      languageCode,
      category: form.category ?? '',
      status: 'PENDING',
      reason: null,
      vertical: form.vertical ?? '',
      templateType: form.templateType ?? 'TEXT',
      data: form.content ?? '',
      meta: JSON.stringify({ example: form.example }),
      containerMeta: JSON.stringify({
        data: form.content,
        header: form.header,
        footer: form.footer,
        buttons: form.buttons === undefined ? undefined : JSON.parse(form.buttons),
        sampleText: form.example,
        sampleHeader: form.exampleHeader,
        enableSample: form.enableSample === 'true',
      }),
      createdOn: now,
      modifiedOn: now,
    };
    this.templates.set(template.id, template);
    const key = `${elementName}/${languageCode}`;
    this.#created.set(key, (this.#created.get(key) ?? 0) + 1);
    if (step === 'apply-then-timeout') return;
    return send(200, { status: 'success', template });
  }
}
