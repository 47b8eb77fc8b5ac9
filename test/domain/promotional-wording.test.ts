import { describe, expect, it } from 'vitest';
import { promotionalPhrases } from '../../src/domain/promotional-wording.ts';

describe('promotional wording', () => {
  it('finds stems at the start of words in each language', () => {
    expect(promotionalPhrases('Только сегодня скидка 20% на уроки', 'ru')).toEqual(
      expect.arrayContaining(['скидк', 'только сегодня']),
    );
    expect(promotionalPhrases('Wielka wyprzedaż kursów', 'pl')).toContain('wyprzedaż');
    expect(promotionalPhrases('BÜYÜK İNDİRİM başladı', 'tr')).toContain('indirim');
    expect(promotionalPhrases('Special offer: buy now', 'en-US')).toEqual(
      expect.arrayContaining(['special offer', 'buy now']),
    );
  });

  it('does not match inside other words', () => {
    expect(promotionalPhrases('Ваша транзакция прошла успешно', 'ru')).toEqual([]);
    expect(promotionalPhrases('An ideal time for your lesson', 'en')).toEqual([]);
  });

  it('uses the English list for a language without its own', () => {
    expect(promotionalPhrases('Limited time discount', 'de')).toEqual(expect.arrayContaining(['discount']));
  });
});
