import { z } from 'zod';
import type { Button, TemplateVariable } from '../../domain/content.ts';
import { toMetaLanguageCode } from '../../domain/language-codes.ts';
import { toPositionalText } from '../../domain/positional.ts';
import {
  type ProviderAdapter,
  ProviderError,
  type ProviderTemplate,
  type SubmitRequest,
  type TemplateLocator,
} from '../provider.ts';
import { buildGupshupSendPayload } from './send-payload.ts';

export const GUPSHUP_API_URL = 'https://partner.gupshup.io';

/** Gupshup's limit on `vertical`, the short use-case label it requires on every template. */
const VERTICAL_MAX_LENGTH = 180;

export interface GupshupProviderOptions {
  /** Base URL of the partner API; tests point it at a local fake. */
  apiUrl?: string;
  /** The partner app token of a Gupshup app (the market's provider account), from configuration. */
  appToken(appId: string): string | undefined;
  /** The app name and WhatsApp number Gupshup's send API wants (`src.name`, `source`), when configured. */
  sender?(appId: string): { appName?: string; sourceNumber?: string };
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** A template as Gupshup's partner API writes it; everything else it sends is kept in `raw`. */
const gupshupTemplateSchema = z.looseObject({
  id: z.string().min(1),
  elementName: z.string().optional(),
  languageCode: z.string().optional(),
  status: z.string().min(1),
  category: z.string().nullish(),
  oldCategory: z.string().nullish(),
  reason: z.string().nullish(),
  rejectedReason: z.string().nullish(),
  quality: z.string().nullish(),
});
type GupshupTemplate = z.infer<typeof gupshupTemplateSchema>;

const createAnswerSchema = z.looseObject({ status: z.literal('success'), template: gupshupTemplateSchema });
const readAnswerSchema = createAnswerSchema;
const listAnswerSchema = z.looseObject({ status: z.literal('success'), templates: z.array(z.unknown()) });
const errorAnswerSchema = z.looseObject({
  status: z.string().optional(),
  message: z.unknown().optional(),
  data: z.unknown().optional(),
});

function present(text: string | null | undefined): text is string {
  return text !== undefined && text !== null && text !== '';
}

function toProviderTemplate(template: GupshupTemplate): ProviderTemplate {
  const reason = [template.reason, template.rejectedReason].find(present) ?? null;
  return {
    providerTemplateId: template.id,
    // The list answers in upper case, other paths have sent lower case: one spelling for the lifecycle.
    status: template.status.toUpperCase(),
    ...(present(template.category) ? { category: template.category.toUpperCase() } : {}),
    reason,
    ...(present(template.quality) ? { qualityScore: template.quality.toUpperCase() } : {}),
    // Kept whole: `oldCategory` (set after a recategorisation), `externalId` (Meta's id) and friends.
    raw: template,
  };
}

/** Positional text plus the same text with each variable's example in place, as Gupshup's samples want. */
function positionalWithExample(text: string, examples: ReadonlyMap<string, string>) {
  const positional = toPositionalText(text);
  const example = positional.text.replace(/\{\{(\d+)\}\}/g, (_match, index: string) => {
    const name = positional.names[Number(index) - 1] ?? '';
    const value = examples.get(name);
    if (value === undefined)
      throw new ProviderError(`variable ${name} has no example, which Gupshup requires`, {
        transient: false,
      });
    return value;
  });
  return { text: positional.text, example, variables: positional.names.length };
}

function gupshupButton(button: Button, examples: ReadonlyMap<string, string>) {
  switch (button.type) {
    case 'quick_reply':
      return { type: 'QUICK_REPLY', text: button.text };
    case 'phone_number':
      return { type: 'PHONE_NUMBER', text: button.text, phone_number: button.phoneNumber ?? '' };
    case 'copy_code':
      return { type: 'COPY_CODE', example: button.example ?? '' };
    case 'url': {
      const url = positionalWithExample(button.url ?? '', examples);
      return {
        type: 'URL',
        text: button.text,
        url: url.text,
        ...(url.variables > 0 ? { example: [url.example] } : {}),
      };
    }
  }
}

/**
 * The apply form of Gupshup's partner API: positional `{{n}}` numbered per component from 1, each
 * text's sample with the examples filled in. `vertical` is the template name: the request carries no
 * description, and the name is the one label that is always there and always short enough.
 */
function templateForm(request: SubmitRequest): URLSearchParams {
  const examples = new Map(
    request.variables.map((variable: TemplateVariable) => [variable.name, variable.example]),
  );
  const { content } = request;
  const body = positionalWithExample(content.body, examples);
  const form = new URLSearchParams({
    elementName: request.name,
    languageCode: request.languageCode,
    category: request.category.toUpperCase(),
    vertical: request.name.slice(0, VERTICAL_MAX_LENGTH),
    templateType: 'TEXT',
    content: body.text,
    example: body.example,
  });
  if (present(content.header)) {
    const header = positionalWithExample(content.header, examples);
    form.set('header', header.text);
    if (header.variables > 0) form.set('exampleHeader', header.example);
  }
  if (present(content.footer)) form.set('footer', content.footer);
  const buttons = content.buttons ?? [];
  if (buttons.length > 0)
    form.set('buttons', JSON.stringify(buttons.map((button) => gupshupButton(button, examples))));
  form.set('enableSample', 'true');
  // Vetted tracks the category Meta assigns; letting Gupshup change it silently would hide a recategorisation.
  form.set('allowTemplateCategoryChange', 'false');
  return form;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Gupshup's `{"status":"error","message":…}` (some endpoints say `data`), or null for any other answer. */
function gupshupError(body: unknown): string | null {
  const parsed = errorAnswerSchema.safeParse(body);
  if (!parsed.success || parsed.data.status !== 'error') return null;
  const text = [parsed.data.message, parsed.data.data].find((value) => typeof value === 'string');
  return typeof text === 'string' ? text : JSON.stringify(parsed.data.message ?? parsed.data.data ?? 'error');
}

const isTimeout = (error: unknown) =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');

// Gupshup's wording for a (name, language) the app already holds, whatever its status.
const DUPLICATE_MESSAGE = /already exists/i;

export function createGupshupProvider(options: GupshupProviderOptions): ProviderAdapter {
  const apiUrl = (options.apiUrl ?? GUPSHUP_API_URL).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  async function call(appId: string, method: 'GET' | 'POST', path: string, form?: URLSearchParams) {
    const token = options.appToken(appId);
    if (!token)
      throw new ProviderError(`no Gupshup app token is configured for app ${appId}`, { transient: false });
    const url = `${apiUrl}/partner/app/${encodeURIComponent(appId)}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method,
        headers: {
          Authorization: token,
          Accept: 'application/json',
          ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: form.toString() } : {}),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new ProviderError(
        isTimeout(error)
          ? `Gupshup did not answer ${method} ${path} within ${options.timeoutMs} ms`
          : `could not reach Gupshup: ${error instanceof Error ? error.message : String(error)}`,
        { transient: true },
      );
    }
    const body = parseJson(text);
    const code = String(response.status);
    if (response.status === 429 || response.status >= 500) {
      throw new ProviderError(`Gupshup answered ${code}: ${gupshupError(body) ?? text.slice(0, 200)}`, {
        transient: true,
        retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
        code,
      });
    }
    const refusal = gupshupError(body);
    if (!response.ok || refusal !== null) {
      const message = refusal ?? (text.slice(0, 200) || `HTTP ${code}`);
      throw new ProviderError(`Gupshup refused ${method} ${path} (${code}): ${message}`, {
        transient: false,
        code,
        duplicate: DUPLICATE_MESSAGE.test(message),
      });
    }
    return body;
  }

  async function readById(appId: string, id: string): Promise<ProviderTemplate | null> {
    try {
      const parsed = readAnswerSchema.safeParse(
        await call(appId, 'GET', `/templates/${encodeURIComponent(id)}`),
      );
      return parsed.success ? toProviderTemplate(parsed.data.template) : null;
    } catch (error) {
      // Not found by id: the list below is the authority (and the only read some accounts allow).
      if (error instanceof ProviderError && error.code === '404') return null;
      throw error;
    }
  }

  async function findInList(locator: TemplateLocator): Promise<ProviderTemplate | null> {
    const parsed = listAnswerSchema.safeParse(await call(locator.account, 'GET', '/templates'));
    if (!parsed.success)
      throw new ProviderError('Gupshup answered the template list without templates', { transient: true });
    const templates = parsed.data.templates.flatMap((entry) => {
      const template = gupshupTemplateSchema.safeParse(entry);
      return template.success ? [template.data] : [];
    });
    const match =
      (locator.providerTemplateId ? templates.find((t) => t.id === locator.providerTemplateId) : undefined) ??
      templates.find((t) => t.elementName === locator.name && t.languageCode === locator.languageCode);
    return match ? toProviderTemplate(match) : null;
  }

  return {
    kind: 'gupshup',
    parameterFormat: 'positional',
    languageCode: toMetaLanguageCode,

    async create(request) {
      const answer = await call(request.account, 'POST', '/templates', templateForm(request));
      const parsed = createAnswerSchema.safeParse(answer);
      // A success without a template is ambiguous: retrying makes the worker look the template up first.
      if (!parsed.success)
        throw new ProviderError('Gupshup accepted the template but did not describe it', { transient: true });
      return toProviderTemplate(parsed.data.template);
    },

    async fetchStatus(locator) {
      if (locator.providerTemplateId) {
        const byId = await readById(locator.account, locator.providerTemplateId);
        if (byId) return byId;
      }
      return findInList(locator);
    },

    buildSendPayload: (served, values, to) =>
      buildGupshupSendPayload(served, values, to, options.sender?.(served.providerAccount)),
  };
}
