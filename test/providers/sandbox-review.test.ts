import { describe, expect, it } from 'vitest';
import type { TemplateVariable } from '../../src/domain/content.ts';
import { reviewTemplate } from '../../src/providers/sandbox/sandbox-review.ts';

const variables: TemplateVariable[] = [
  { name: 'student_name', type: 'text', example: 'Anna' },
  { name: 'lesson_at', type: 'text', example: '12 мая, 15:00' },
];
const review = (body: string, category: 'utility' | 'marketing' = 'utility') =>
  reviewTemplate({ content: { body }, variables, category, language: 'ru' });

describe('sandbox review', () => {
  it('approves a clean utility template', () => {
    expect(
      review('Здравствуйте, {{student_name}}! Урок перенесён на {{lesson_at}}. До встречи на занятии.'),
    ).toEqual({
      status: 'APPROVED',
      reason: 'NONE',
    });
  });

  it('rejects lint errors as INVALID_FORMAT with the first error as the reason text', () => {
    const decision = review('{{student_name}}, урок перенесён на {{lesson_at}}');
    expect(decision.status).toBe('REJECTED');
    expect(decision.reason).toBe('INVALID_FORMAT');
    expect(decision.reasonText).toBeTruthy();
  });

  it('rejects promotional wording in a utility template as INCORRECT_CATEGORY, and not in a marketing one', () => {
    const body =
      'Здравствуйте, {{student_name}}! Только сегодня скидка на уроки, занятие {{lesson_at}} как обычно.';
    expect(review(body)).toMatchObject({ status: 'REJECTED', reason: 'INCORRECT_CATEGORY' });
    expect(review(body, 'marketing').status).toBe('APPROVED');
  });

  it('approves a transaction notice: words that merely contain a stem are not promotional', () => {
    expect(
      review('Здравствуйте, {{student_name}}! Ваша транзакция за урок {{lesson_at}} прошла успешно, спасибо.')
        .status,
    ).toBe('APPROVED');
  });
});
