import { createHash } from 'node:crypto';
import { z } from 'zod';

export const VARIABLE_TYPES = ['text', 'number', 'currency', 'date', 'datetime', 'url_suffix'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export interface TemplateVariable {
  name: string;
  type: VariableType;
  example: string;
  description?: string;
}

export const TEMPLATE_CATEGORIES = ['utility', 'marketing', 'authentication'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export const BUTTON_TYPES = ['quick_reply', 'url', 'phone_number', 'copy_code'] as const;
export type ButtonType = (typeof BUTTON_TYPES)[number];

export interface Button {
  type: ButtonType;
  text: string;
  url?: string;
  phoneNumber?: string;
  example?: string;
}

export interface VersionContent {
  header?: string | null;
  body: string;
  footer?: string | null;
  buttons?: Button[] | null;
}

export type ContentComponent = 'header' | 'body' | 'footer' | 'buttons';
export const CONTENT_COMPONENTS: readonly ContentComponent[] = ['header', 'body', 'footer', 'buttons'];

// An empty header or footer is no header or footer, so both spellings hash alike.
function optionalText(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

export function canonicalContent(content: VersionContent) {
  return {
    header: optionalText(content.header),
    body: content.body,
    footer: optionalText(content.footer),
    buttons: (content.buttons ?? []).map((button) => ({
      type: button.type,
      text: button.text,
      url: button.url ?? null,
      phoneNumber: button.phoneNumber ?? null,
      example: button.example ?? null,
    })),
  };
}

export function contentHash(content: VersionContent): string {
  return createHash('sha256')
    .update(JSON.stringify(canonicalContent(content)), 'utf8')
    .digest('hex');
}

/** Content and variables as stored in JSON (database columns, fixtures): read back through these. */
export const buttonSchema = z.object({
  type: z.enum(BUTTON_TYPES),
  text: z.string(),
  url: z.string().optional(),
  phoneNumber: z.string().optional(),
  example: z.string().optional(),
});

export const versionContentSchema = z.object({
  header: z.string().nullish(),
  body: z.string(),
  footer: z.string().nullish(),
  buttons: z.array(buttonSchema).nullish(),
});

export const templateVariableSchema = z.object({
  name: z.string(),
  type: z.enum(VARIABLE_TYPES),
  example: z.string(),
  description: z.string().optional(),
});
