import { z } from 'zod';
import { toMetaLanguageCode } from '../../domain/language-codes.ts';
import {
  type ParameterFormat,
  type ProviderAdapter,
  ProviderError,
  type ProviderTemplate,
  type SubmitRequest,
  type TemplateLocator,
} from '../provider.ts';
import { buildMetaCreateRequest } from './create-request.ts';
import { buildMetaSendPayload } from './send-payload.ts';

export interface MetaProviderOptions {
  /** `https://graph.facebook.com`, or a fake Graph server in tests. */
  graphUrl: string;
  /** `v23.0` */
  apiVersion: string;
  /** The system-user token for a WABA; one token usually covers several. */
  accessToken(account: string): string | undefined;
  parameterFormat: ParameterFormat;
  timeoutMs: number;
  fetch?: typeof fetch;
}

const TEMPLATE_FIELDS = 'id,name,language,status,category,quality_score,rejected_reason';
// A name filter matches loosely, so a listing may page; this bounds a runaway `paging.next` chain.
const MAX_PAGES = 50;

// Graph throttling: app (4), user (17), page (32), hourly call limit (613), business-use-case
// limits (80000–80014, WhatsApp Business Management is 80008), WABA rate limit (80007), Cloud API
// throughput (130429), and a temporary outage (2). Anything else Graph answers is final.
const THROTTLING_CODES: ReadonlySet<number> = new Set([2, 4, 17, 32, 613, 130429]);
const isThrottling = (code: number) => THROTTLING_CODES.has(code) || (code >= 80000 && code <= 80014);

const DUPLICATE = { code: 100, subcode: 2388024 };
// "Unsupported get request. Object with ID … does not exist": the id names no template.
const NO_SUCH_OBJECT = { code: 100, subcode: 33 };

const graphErrorSchema = z.object({
  error: z.looseObject({
    message: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

const id = z.union([z.string(), z.number()]).transform(String);

const createResponseSchema = z.looseObject({ id, status: z.string(), category: z.string().optional() });

const templateSchema = z.looseObject({
  id,
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string().optional(),
  rejected_reason: z.string().nullish(),
  quality_score: z.union([z.string(), z.looseObject({ score: z.string().nullish() })]).nullish(),
});

const listSchema = z.looseObject({
  data: z.array(z.unknown()),
  paging: z.looseObject({ next: z.string().optional() }).optional(),
});

type GraphTemplate = z.infer<typeof templateSchema>;

function toProviderTemplate(template: GraphTemplate, raw: unknown): ProviderTemplate {
  const quality = template.quality_score;
  return {
    providerTemplateId: template.id,
    status: template.status,
    ...(template.category ? { category: template.category } : {}),
    reason: template.rejected_reason ?? null,
    qualityScore: (typeof quality === 'string' ? quality : quality?.score) ?? null,
    raw,
  };
}

/** Seconds from a `Retry-After` header: a number of seconds or an HTTP date. */
function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Graph's error codes and HTTP status → a retryable or a final ProviderError. */
export function metaError(status: number, body: unknown, retryAfterHeader: string | null): ProviderError {
  const retryAfterSeconds = retryAfter(retryAfterHeader);
  const parsed = graphErrorSchema.safeParse(body);
  if (!parsed.success) {
    return new ProviderError(`Meta answered HTTP ${status}`, {
      transient: status >= 500 || status === 429,
      retryAfterSeconds,
    });
  }
  const { message, code, error_subcode: subcode } = parsed.data.error;
  const transient = status >= 500 || status === 429 || (code !== undefined && isThrottling(code));
  const codes = [code, subcode].filter((c) => c !== undefined).join('/');
  return new ProviderError(
    `Meta answered HTTP ${status}${codes ? ` (${codes})` : ''}: ${message ?? 'no message'}`,
    {
      transient,
      retryAfterSeconds,
      code: code === undefined ? undefined : String(code),
      subcode: subcode === undefined ? undefined : String(subcode),
      duplicate: code === DUPLICATE.code && subcode === DUPLICATE.subcode,
    },
  );
}

const isError = (error: ProviderError, expected: { code: number; subcode: number }) =>
  error.code === String(expected.code) && error.subcode === String(expected.subcode);

interface GraphCall {
  account: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** A path under the versioned base, or an absolute URL on the Graph host (paging). */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

function graphClient(options: MetaProviderOptions) {
  const base = new URL(
    `${options.apiVersion}/`,
    options.graphUrl.endsWith('/') ? options.graphUrl : `${options.graphUrl}/`,
  );
  const fetchFn = options.fetch ?? fetch;

  return async function call({ account, method, path, query, body }: GraphCall): Promise<unknown> {
    const token = options.accessToken(account);
    if (!token)
      throw new ProviderError(`No Meta access token is configured for WABA ${account}`, { transient: false });
    const url = new URL(path, base);
    // The token goes only to the Graph host, whatever a `paging.next` link says.
    if (url.origin !== base.origin)
      throw new ProviderError(`Meta sent a link to another host: ${url.origin}`, { transient: false });
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new ProviderError(
        timedOut
          ? `Meta did not answer within ${options.timeoutMs} ms`
          : `Meta could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        { transient: true },
      );
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) throw metaError(response.status, json, response.headers.get('retry-after'));
    if (json === undefined)
      throw new ProviderError(`Meta answered HTTP ${response.status} without JSON`, { transient: true });
    return json;
  };
}

function readAnswer<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const parsed = schema.safeParse(json);
  // A success we cannot read may still have done its work: retrying looks it up before creating again.
  if (!parsed.success)
    throw new ProviderError(`Meta's answer to ${what} was not understood`, { transient: true });
  return parsed.data;
}

export function createMetaProvider(options: MetaProviderOptions): ProviderAdapter {
  const call = graphClient(options);
  return {
    kind: 'meta',
    parameterFormat: options.parameterFormat,
    languageCode: toMetaLanguageCode,

    async create(request: SubmitRequest): Promise<ProviderTemplate> {
      const json = await call({
        account: request.account,
        method: 'POST',
        path: `${encodeURIComponent(request.account)}/message_templates`,
        body: buildMetaCreateRequest(request),
      });
      const created = readAnswer(createResponseSchema, json, 'a template creation');
      return {
        providerTemplateId: created.id,
        status: created.status,
        ...(created.category ? { category: created.category } : {}),
        raw: json,
      };
    },

    fetchStatus: (locator) => fetchMetaTemplate(call, locator),
    buildSendPayload: buildMetaSendPayload,
  };
}

type Call = ReturnType<typeof graphClient>;

async function fetchMetaTemplate(call: Call, locator: TemplateLocator): Promise<ProviderTemplate | null> {
  if (locator.providerTemplateId) {
    try {
      const json = await call({
        account: locator.account,
        method: 'GET',
        path: encodeURIComponent(locator.providerTemplateId),
        query: { fields: TEMPLATE_FIELDS },
      });
      return toProviderTemplate(readAnswer(templateSchema, json, 'a template read'), json);
    } catch (error) {
      if (error instanceof ProviderError && isError(error, NO_SUCH_OBJECT)) return null;
      throw error;
    }
  }
  let path = `${encodeURIComponent(locator.account)}/message_templates`;
  let query: Record<string, string> | undefined = { name: locator.name, fields: TEMPLATE_FIELDS };
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = readAnswer(
      listSchema,
      await call({ account: locator.account, method: 'GET', path, ...(query ? { query } : {}) }),
      'a template listing',
    );
    for (const item of list.data) {
      const template = templateSchema.safeParse(item);
      if (
        template.success &&
        template.data.name === locator.name &&
        template.data.language.replaceAll('-', '_') === locator.languageCode
      )
        return toProviderTemplate(template.data, item);
    }
    if (!list.paging?.next) return null;
    path = list.paging.next;
    // The `next` link carries the filter and cursor itself.
    query = undefined;
  }
  throw new ProviderError(`Meta listed more than ${MAX_PAGES} pages for ${locator.name}`, {
    transient: false,
  });
}

/**
 * Deletes one language of a template (`hsm_id` and `name`; the name alone would delete every
 * language). Returns false when Meta holds no such template.
 */
export async function deleteMetaTemplate(
  options: MetaProviderOptions,
  locator: TemplateLocator,
): Promise<boolean> {
  const call = graphClient(options);
  const template = await fetchMetaTemplate(call, locator);
  if (!template) return false;
  await call({
    account: locator.account,
    method: 'DELETE',
    path: `${encodeURIComponent(locator.account)}/message_templates`,
    query: { hsm_id: template.providerTemplateId, name: locator.name },
  });
  return true;
}
