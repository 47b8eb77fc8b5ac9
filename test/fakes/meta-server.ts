import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { META_LANGUAGE_CODES } from '../../src/domain/language-codes.ts';

/**
 * A local stand-in for Meta's Graph API (template management only), on a free port.
 *
 *   const meta = await new FakeMetaServer().start();   // meta.url is the graphUrl; any /vNN.N works
 *   meta.script({ kind: 'fail', status: 503, retryAfter: '7' }, 3);   // the next 3 calls fail
 *   meta.creates('order_shipped_tr_v1', 'tr');          // templates actually created
 *   meta.setStatus(id, 'APPROVED');
 *   await meta.stop();
 *
 * It validates create requests the way Meta does (name, language, category, examples, limits,
 * placeholders) and answers Graph-style errors `{error: {message, type, code, error_subcode, fbtrace_id}}`.
 * Subcodes it does not know Meta's value for are left out.
 */

export type FakeOperation = 'create' | 'get' | 'list' | 'delete';

export type FakeMetaStep = { on?: FakeOperation } & (
  | { kind: 'fail'; status: number; code?: number; subcode?: number; message?: string; retryAfter?: string }
  /** Never answer (until `stop()`), so the client times out. */
  | { kind: 'stall' }
  /** Create the template as asked, then never answer: the ambiguous timeout. */
  | { kind: 'create-then-stall' }
);

export interface FakeTemplate {
  id: string;
  waba: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameterFormat: 'NAMED' | 'POSITIONAL';
  components: unknown[];
  rejectedReason: string;
  qualityScore: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

class GraphError extends Error {
  readonly status: number;
  readonly code: number;
  readonly subcode: number | undefined;

  constructor(message: string, code = 100, subcode?: number, status = 400) {
    super(message);
    this.status = status;
    this.code = code;
    this.subcode = subcode;
  }
}

const NAME = /^[a-z0-9_]{1,512}$/;
const NAMED_PARAM = /^[a-z_][a-z0-9_]*$/;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const CATEGORIES = new Set(['UTILITY', 'MARKETING', 'AUTHENTICATION']);
const LIMITS = { header: 60, body: 1024, footer: 60, buttonText: 25, copyCode: 20 };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const chars = (text: string) => [...text].length;
const placeholdersOf = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');

function checkPositional(where: string, names: string[]) {
  names.forEach((name, index) => {
    if (name !== String(index + 1))
      throw new GraphError(`${where}: parameters must be {{1}}, {{2}}… in order; found {{${name}}}`);
  });
}

function namedExamples(where: string, names: string[], examples: unknown) {
  if (!Array.isArray(examples))
    throw new GraphError(`${where} component does not contain the expected field(s) (example)`);
  for (const name of names) {
    if (!NAMED_PARAM.test(name)) throw new GraphError(`${where}: invalid parameter name ${name}`);
    const found = examples.find((e) => isObject(e) && e.param_name === name);
    if (!isObject(found) || typeof found.example !== 'string' || found.example === '')
      throw new GraphError(`${where}: no example for parameter ${name}`);
  }
}

function positionalExamples(where: string, names: string[], examples: unknown) {
  if (
    !Array.isArray(examples) ||
    examples.length !== names.length ||
    !examples.every((e) => typeof e === 'string' && e !== '')
  )
    throw new GraphError(`${where} component does not contain the expected field(s) (example)`);
}

function validateText(type: 'HEADER' | 'BODY', component: Json, named: boolean) {
  const text = component.text;
  const limit = type === 'HEADER' ? LIMITS.header : LIMITS.body;
  if (typeof text !== 'string' || text === '') throw new GraphError(`${type} text is required`);
  if (chars(text) > limit) throw new GraphError(`${type} text is longer than ${limit} characters`);
  const names = placeholdersOf(text);
  if (type === 'HEADER' && names.length > 1) throw new GraphError('HEADER may have one parameter');
  if (type === 'BODY' && names.length && (/^\s*\{\{/.test(text) || /\}\}\s*$/.test(text)))
    throw new GraphError('Variables can’t be at the start or end of the template.', 100, 2388299);
  if (!names.length) return;
  const example = isObject(component.example) ? component.example : {};
  const unique = [...new Set(names)];
  if (named) {
    namedExamples(
      type,
      unique,
      example[type === 'HEADER' ? 'header_text_named_params' : 'body_text_named_params'],
    );
    return;
  }
  checkPositional(type, unique);
  if (type === 'HEADER') positionalExamples(type, unique, example.header_text);
  else {
    // Meta wants the body examples nested: one array per sample message.
    const nested = example.body_text;
    if (!Array.isArray(nested) || nested.length === 0)
      throw new GraphError('BODY component does not contain the expected field(s) (example)');
    for (const sample of nested) positionalExamples(type, unique, sample);
  }
}

function validateButton(button: unknown) {
  if (!isObject(button)) throw new GraphError('Invalid button');
  const text = button.text;
  const label = () => {
    if (typeof text !== 'string' || text === '' || chars(text) > LIMITS.buttonText)
      throw new GraphError(`${String(button.type)} button text must be 1 to ${LIMITS.buttonText} characters`);
  };
  switch (button.type) {
    case 'QUICK_REPLY':
      return label();
    case 'PHONE_NUMBER':
      label();
      if (typeof button.phone_number !== 'string' || !/^\+?[1-9]\d{7,19}$/.test(button.phone_number))
        throw new GraphError('Invalid phone number');
      return;
    case 'COPY_CODE':
      if (
        typeof button.example !== 'string' ||
        button.example === '' ||
        chars(button.example) > LIMITS.copyCode
      )
        throw new GraphError(`COPY_CODE example must be 1 to ${LIMITS.copyCode} characters`);
      return;
    case 'URL': {
      label();
      const url = button.url;
      if (typeof url !== 'string' || !/^https?:\/\/[^\s/{}]+/.test(url)) throw new GraphError('Invalid URL');
      const names = placeholdersOf(url);
      if (!names.length) return;
      if (names.length > 1 || names[0] !== '1' || !url.endsWith('}}'))
        throw new GraphError('A URL button may have one variable, {{1}}, at the end of the URL');
      if (!Array.isArray(button.example) || typeof button.example[0] !== 'string')
        throw new GraphError('URL button component does not contain the expected field(s) (example)');
      return;
    }
    default:
      throw new GraphError(`Unknown button type ${String(button.type)}`);
  }
}

function validateCreate(
  body: unknown,
): Omit<FakeTemplate, 'id' | 'waba' | 'status' | 'rejectedReason' | 'qualityScore'> {
  if (!isObject(body)) throw new GraphError('The request body must be a JSON object');
  const { name, language, category, components } = body;
  const parameterFormat = body.parameter_format ?? 'POSITIONAL';
  if (typeof name !== 'string' || !NAME.test(name)) throw new GraphError('Invalid parameter: name');
  if (typeof language !== 'string' || !META_LANGUAGE_CODES.has(language))
    throw new GraphError('Invalid parameter: language');
  if (typeof category !== 'string' || !CATEGORIES.has(category))
    throw new GraphError('Invalid parameter: category');
  if (parameterFormat !== 'NAMED' && parameterFormat !== 'POSITIONAL')
    throw new GraphError('Invalid parameter: parameter_format');
  if (!Array.isArray(components)) throw new GraphError('Invalid parameter: components');
  const named = parameterFormat === 'NAMED';
  const count = (type: string) => components.filter((c) => isObject(c) && c.type === type).length;
  if (count('BODY') !== 1) throw new GraphError('A template needs exactly one BODY');
  for (const component of components) {
    if (!isObject(component)) throw new GraphError('Invalid component');
    switch (component.type) {
      case 'HEADER':
        if (component.format !== 'TEXT') throw new GraphError('Only TEXT headers are supported here');
        validateText('HEADER', component, named);
        break;
      case 'BODY':
        validateText('BODY', component, named);
        break;
      case 'FOOTER':
        if (typeof component.text !== 'string' || chars(component.text) > LIMITS.footer)
          throw new GraphError(`FOOTER text must be at most ${LIMITS.footer} characters`);
        if (placeholdersOf(component.text).length) throw new GraphError('FOOTER may not have parameters');
        break;
      case 'BUTTONS':
        if (!Array.isArray(component.buttons) || component.buttons.length > 10)
          throw new GraphError('At most 10 buttons');
        component.buttons.forEach(validateButton);
        break;
      default:
        throw new GraphError(`Unknown component type ${String(component.type)}`);
    }
  }
  return { name, language, category, parameterFormat, components };
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new GraphError('The request body is not JSON');
  }
}

export class FakeMetaServer {
  /** Every template Meta holds, by id. */
  readonly templates = new Map<string, FakeTemplate>();
  readonly requests: RecordedRequest[] = [];
  /** Listing page size; small values exercise `paging.next`. */
  pageSize: number;
  /** The category Meta assigns on create (it may differ from the one asked). */
  assignCategory: (requested: string, name: string) => string = (requested) => requested;
  /**
   * How long a create takes: half before the template is created, half after, so a client killed
   * during the call may or may not have left a template behind (the kill test's crash windows).
   */
  createLatencyMs = 0;
  /** Told of each template as soon as it is created, before the create is answered. */
  onCreate: ((template: FakeTemplate) => void) | undefined;
  readonly #tokens: Set<string>;
  readonly #steps: FakeMetaStep[] = [];
  readonly #created = new Map<string, number>();
  // Meta blocks the name of a deleted approved template for 30 days.
  readonly #heldNames = new Set<string>();
  #server: Server | undefined;
  #nextId = 1_000_000_000_000_001n;
  url = '';

  constructor(options: { tokens?: string[]; pageSize?: number } = {}) {
    this.#tokens = new Set(options.tokens ?? [FakeMetaServer.TOKEN]);
    this.pageSize = options.pageSize ?? 25;
  }

  static readonly TOKEN = 'fake-meta-token';

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.#server = undefined;
  }

  /** Queues behaviour for the next calls (of `step.on`, or any call); `times` repeats the steps. */
  script(step: FakeMetaStep | FakeMetaStep[], times = 1): void {
    const steps = Array.isArray(step) ? step : [step];
    for (let i = 0; i < times; i++) this.#steps.push(...steps);
  }

  /** Drops scripted steps no call has used yet. */
  clearScript(): void {
    this.#steps.length = 0;
  }

  /** How many times (name, language) was actually created. */
  creates(name: string, language: string): number {
    return this.#created.get(`${name}/${language}`) ?? 0;
  }

  find(name: string, language: string, waba?: string): FakeTemplate | undefined {
    return [...this.templates.values()].find(
      (t) => t.name === name && t.language === language && (waba === undefined || t.waba === waba),
    );
  }

  setStatus(
    id: string,
    status: string,
    extra: { rejectedReason?: string; category?: string; qualityScore?: string } = {},
  ): void {
    const template = this.templates.get(id);
    if (!template) throw new Error(`no fake template ${id}`);
    Object.assign(template, { status, ...extra });
  }

  #pause(ms: number): Promise<void> {
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  #take(operation: FakeOperation): FakeMetaStep | undefined {
    const index = this.#steps.findIndex((step) => step.on === undefined || step.on === operation);
    return index === -1 ? undefined : this.#steps.splice(index, 1)[0];
  }

  async #handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', this.url);
    const parts = url.pathname.split('/').filter(Boolean);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      response
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(JSON.stringify(body));
    const fail = (error: GraphError, headers: Record<string, string> = {}) =>
      send(
        error.status,
        {
          error: {
            message: error.message,
            type: 'OAuthException',
            code: error.code,
            ...(error.subcode === undefined ? {} : { error_subcode: error.subcode }),
            fbtrace_id: randomBytes(8).toString('base64url'),
          },
        },
        headers,
      );
    try {
      const body = await readBody(request);
      this.requests.push({
        method: request.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        authorization: request.headers.authorization,
        body,
      });
      if (!/^v\d+\.\d+$/.test(parts[0] ?? '')) throw new GraphError('Unknown path', 100, undefined, 404);
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!token || !this.#tokens.has(token))
        throw new GraphError('Invalid OAuth access token - Cannot parse access token', 190, undefined, 401);
      const [, first, second] = parts;
      const templatesPath = second === 'message_templates' && parts.length === 3;
      const operation: FakeOperation | undefined =
        templatesPath && request.method === 'POST'
          ? 'create'
          : templatesPath && request.method === 'GET'
            ? 'list'
            : templatesPath && request.method === 'DELETE'
              ? 'delete'
              : parts.length === 2 && request.method === 'GET'
                ? 'get'
                : undefined;
      if (!operation || first === undefined) throw new GraphError('Unsupported request', 100, undefined, 400);
      const step = this.#take(operation);
      if (step?.kind === 'stall') return;
      if (step?.kind === 'fail') {
        fail(
          new GraphError(step.message ?? 'Scripted failure', step.code ?? 1, step.subcode, step.status),
          step.retryAfter === undefined ? {} : { 'retry-after': step.retryAfter },
        );
        return;
      }
      if (operation === 'create') {
        await this.#pause(this.createLatencyMs / 2);
        const created = this.#create(first, body);
        await this.#pause(this.createLatencyMs / 2);
        if (step?.kind === 'create-then-stall') return;
        send(200, { id: created.id, status: created.status, category: created.category });
      } else if (operation === 'get') send(200, this.#get(first, url.searchParams));
      else if (operation === 'list') send(200, this.#list(first, url));
      else send(200, this.#delete(first, url.searchParams));
    } catch (error) {
      if (error instanceof GraphError) fail(error);
      else throw error;
    }
  }

  #create(waba: string, body: unknown): FakeTemplate {
    const valid = validateCreate(body);
    if (this.find(valid.name, valid.language, waba))
      throw new GraphError('Content in This Language Already Exists', 100, 2388024);
    if (this.#heldNames.has(`${waba}/${valid.name}`))
      throw new GraphError('The name was used by a template deleted less than 30 days ago', 100, 2388023);
    const template: FakeTemplate = {
      ...valid,
      id: String(this.#nextId++),
      waba,
      status: 'PENDING',
      category: this.assignCategory(valid.category, valid.name),
      rejectedReason: 'NONE',
      qualityScore: 'UNKNOWN',
    };
    this.templates.set(template.id, template);
    const key = `${template.name}/${template.language}`;
    this.#created.set(key, (this.#created.get(key) ?? 0) + 1);
    this.onCreate?.(template);
    return template;
  }

  #fields(template: FakeTemplate, fields: string | null): Json {
    const all: Json = {
      id: template.id,
      name: template.name,
      language: template.language,
      status: template.status,
      category: template.category,
      parameter_format: template.parameterFormat,
      components: template.components,
      rejected_reason: template.rejectedReason,
      quality_score: { score: template.qualityScore, date: 1767000000 },
    };
    const wanted = fields ? fields.split(',') : ['id', 'name', 'language', 'status', 'category'];
    return Object.fromEntries(Object.entries(all).filter(([key]) => key === 'id' || wanted.includes(key)));
  }

  #get(id: string, query: URLSearchParams): Json {
    const template = this.templates.get(id);
    if (!template)
      throw new GraphError(
        `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        100,
        33,
      );
    return this.#fields(template, query.get('fields'));
  }

  #list(waba: string, url: URL): Json {
    const query = url.searchParams;
    const name = query.get('name');
    // Like Meta's, the name filter is not an exact match: the client must compare names itself.
    const matching = [...this.templates.values()].filter(
      (t) => t.waba === waba && (name === null || t.name.includes(name)),
    );
    const offset = Number(Buffer.from(query.get('after') ?? 'MA', 'base64url').toString()) || 0;
    const limit = Math.min(Number(query.get('limit')) || this.pageSize, this.pageSize);
    const page = matching.slice(offset, offset + limit);
    const after = Buffer.from(String(offset + page.length)).toString('base64url');
    const next = new URL(url);
    next.searchParams.set('after', after);
    return {
      data: page.map((t) => this.#fields(t, query.get('fields'))),
      paging: {
        cursors: { before: query.get('after') ?? 'MA', after },
        ...(offset + page.length < matching.length ? { next: next.toString() } : {}),
      },
    };
  }

  #delete(waba: string, query: URLSearchParams): Json {
    const name = query.get('name');
    const hsmId = query.get('hsm_id');
    if (!name) throw new GraphError('Invalid parameter: name is required');
    const doomed = [...this.templates.values()].filter(
      (t) => t.waba === waba && t.name === name && (hsmId === null || t.id === hsmId),
    );
    if (!doomed.length) throw new GraphError(`Template ${name} not found`, 100);
    for (const template of doomed) {
      if (template.status === 'DISABLED') throw new GraphError('A disabled template cannot be deleted', 100);
      if (template.status === 'APPROVED') this.#heldNames.add(`${waba}/${name}`);
      this.templates.delete(template.id);
    }
    return { success: true };
  }

  /**
   * A `message_template_status_update` webhook body for a template Meta holds, as Meta would
   * deliver it (the id as a number, unix seconds).
   */
  statusWebhook(id: string, event: string, value: Json = {}, time = Math.floor(Date.now() / 1000)): Json {
    const template = this.templates.get(id);
    if (!template) throw new Error(`no fake template ${id}`);
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: template.waba,
          time,
          changes: [
            {
              field: 'message_template_status_update',
              value: {
                event,
                message_template_id: Number(template.id),
                message_template_name: template.name,
                message_template_language: template.language,
                message_template_category: template.category,
                reason: event === 'REJECTED' ? 'INVALID_FORMAT' : 'NONE',
                ...value,
              },
            },
          ],
        },
      ],
    };
  }
}

/** A webhook delivery signed as Meta signs it: the raw JSON text and its `X-Hub-Signature-256`. */
export function signedDelivery(
  body: unknown,
  appSecret: string,
): { rawBody: string; headers: Record<string, string> } {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = createHmac('sha256', appSecret).update(rawBody, 'utf8').digest('hex');
  return {
    rawBody,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` },
  };
}

/** POSTs a signed webhook delivery to a URL, as Meta's webhook sender would. */
export async function postWebhook(url: string, body: unknown, appSecret: string): Promise<Response> {
  const { rawBody, headers } = signedDelivery(body, appSecret);
  return fetch(url, { method: 'POST', headers, body: rawBody });
}
