import { describe, expect, it } from 'vitest';
import words from '../../../src/domain/data/promotional-words.json' with { type: 'json' };
import { promotionalPhrases } from '../../../src/domain/promotional-wording.ts';
import { context, findingsOf, quickReply } from './support.ts';

describe('rule promotional-wording', () => {
  it.each<[string, string]>([
    ['en', 'Your payment of 40 EUR was received. Thank you.'],
    ['ru', 'Оплата получена, транзакция завершена. Спасибо!'],
    ['pl', 'Płatność została zaksięgowana. Dziękujemy.'],
    ['tr', 'Ödemeniz alındı. Teşekkür ederiz.'],
    ['en', 'The ideal time for your lesson is Monday.'],
  ])('passes a plain utility text in %s', (language, body) => {
    expect(findingsOf('promotional-wording', context({ body }, { language }))).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['en', 'Your lesson moved. Shop now and get a discount!', 'discount, shop now'],
    ['ru', 'Урок перенесён. Только сегодня скидка 20 процентов!', 'скидк, только сегодня'],
    ['pl', 'Lekcja przeniesiona. Ostatnia szansa na rabat!', 'rabat, ostatnia szansa'],
    ['tr', 'Dersiniz taşındı. Kaçırmayın, büyük indirim!', 'indirim, kaçırmayın'],
    ['ru-RU', 'Урок перенесён. Успейте купить со скидкой.', 'скидк, успейте'],
  ])('warns about promotional wording in a %s utility template', (language, body, phrases) => {
    expect(findingsOf('promotional-wording', context({ body }, { language }))).toEqual([
      expect.objectContaining({ severity: 'warning', component: 'body', params: { phrases } }),
    ]);
  });

  it('looks at button labels too', () => {
    const ctx = context({ buttons: [quickReply('Shop now')] });
    expect(findingsOf('promotional-wording', ctx)).toHaveLength(1);
  });

  it('leaves marketing templates alone', () => {
    const ctx = context({ body: 'Big sale: 20% discount only today!' }, { category: 'marketing' });
    expect(findingsOf('promotional-wording', ctx)).toEqual([]);
  });
});

describe('promotional word lists', () => {
  it('hold at least 20 entries for each of en, ru, pl and tr, in lower case and without duplicates', () => {
    for (const language of ['en', 'ru', 'pl', 'tr'] as const) {
      const list = words[language];
      expect(list.length).toBeGreaterThanOrEqual(20);
      expect(new Set(list).size).toBe(list.length);
      for (const phrase of list) expect(phrase).toBe(phrase.toLocaleLowerCase(language));
    }
  });

  it('find each phrase of a language in a text that contains it', () => {
    for (const language of ['en', 'ru', 'pl', 'tr'] as const) {
      for (const phrase of words[language])
        expect(promotionalPhrases(`x ${phrase} x`, language)).toContain(phrase);
    }
  });
});
