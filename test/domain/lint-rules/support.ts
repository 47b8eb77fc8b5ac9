import type { Button, TemplateVariable, VariableType, VersionContent } from '../../../src/domain/content.ts';
import { type LintContext, type LintFinding, lintContent } from '../../../src/domain/lint.ts';

export const CLEAN_BODY = 'Hello, your lesson has been moved to another room. See you there.';

export function variable(
  name: string,
  example = `sample ${name}`,
  type: VariableType = 'text',
): TemplateVariable {
  return { name, type, example };
}

/** A utility template in English with CLEAN_BODY, overridden as needed. */
export function context(
  content: Partial<VersionContent> = {},
  extra: Partial<LintContext> = {},
): LintContext {
  return {
    content: { body: CLEAN_BODY, ...content },
    variables: [],
    category: 'utility',
    language: 'en',
    ...extra,
  };
}

export function withVariables(body: string, names: string[], extra: Partial<LintContext> = {}): LintContext {
  return context({ body }, { variables: names.map((name) => variable(name)), ...extra });
}

export function withButtons(buttons: Button[]): LintContext {
  return context({ buttons });
}

/** The findings of one rule, run through the default rule set so registration is tested too. */
export function findingsOf(rule: string, ctx: LintContext): LintFinding[] {
  return lintContent(ctx).filter((finding) => finding.rule === rule);
}

export const quickReply = (text = 'OK'): Button => ({ type: 'quick_reply', text });
export const urlButton = (url = 'https://example.com/help', text = 'Open'): Button => ({
  type: 'url',
  text,
  url,
});
export const phoneButton = (phoneNumber = '+48221234567', text = 'Call us'): Button => ({
  type: 'phone_number',
  text,
  phoneNumber,
});
/** `null` leaves the example out. */
export const copyCode = (example: string | null = 'A1B2C3', text = 'Copy code'): Button =>
  example === null ? { type: 'copy_code', text } : { type: 'copy_code', text, example };
