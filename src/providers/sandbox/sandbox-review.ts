import type { TemplateCategory, TemplateVariable, VersionContent } from '../../domain/content.ts';
import { hasErrors, lintContent } from '../../domain/lint.ts';
import { promotionalPhrases } from '../../domain/promotional-wording.ts';

export interface SandboxDecision {
  status: 'APPROVED' | 'REJECTED';
  reason: string;
  reasonText?: string;
}

/** The sandbox reviews like a strict provider: format errors, then promotional wording in utility templates. */
export function reviewTemplate(input: {
  content: VersionContent;
  variables: TemplateVariable[];
  category: TemplateCategory;
  language: string;
}): SandboxDecision {
  const findings = lintContent(input);
  if (hasErrors(findings)) {
    const first = findings.find((f) => f.severity === 'error');
    return { status: 'REJECTED', reason: 'INVALID_FORMAT', ...(first ? { reasonText: first.message } : {}) };
  }
  if (input.category === 'utility') {
    const text = [input.content.header, input.content.body, input.content.footer].filter(Boolean).join('\n');
    const phrases = promotionalPhrases(text, input.language);
    if (phrases.length) {
      return {
        status: 'REJECTED',
        reason: 'INCORRECT_CATEGORY',
        reasonText: `Promotional wording in a utility template: ${phrases.join(', ')}`,
      };
    }
  }
  return { status: 'APPROVED', reason: 'NONE' };
}
