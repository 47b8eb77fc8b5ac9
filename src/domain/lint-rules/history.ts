import { type DefinedRule, defineRule } from './rule.ts';

function normalisedBody(body: string, language: string): string {
  const base = language.split('-')[0] ?? language;
  return body.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase(base);
}

const rejectedBeforeRule = defineRule(
  'rejected-before',
  'The same body was rejected in version {version}. Reason: {reason}',
  (ctx, _parsed, report) => {
    const body = normalisedBody(ctx.content.body, ctx.language);
    if (body === '') return [];
    const newest = (ctx.rejectedBefore ?? [])
      .filter((rejection) => normalisedBody(rejection.body, ctx.language) === body)
      .sort((a, b) => b.version - a.version)[0];
    if (!newest) return [];
    const reason = [newest.reason, newest.reasonText].filter((part) => part?.trim()).join(': ') || '—';
    return [report({ severity: 'warning', component: 'body', params: { version: newest.version, reason } })];
  },
);

export const historyRules: DefinedRule[] = [rejectedBeforeRule];
