import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { errorOf } from './api';
import { en } from './locales/en';
import { ru } from './locales/ru';

async function wording(lng: 'ru' | 'en') {
  const i = i18next.createInstance();
  await i.init({ resources: { ru: { translation: ru }, en: { translation: en } }, lng, interpolation: { escapeValue: false }, showSupportNotice: false });
  return (status: number, body: unknown) => {
    const e = errorOf(status, body, (k) => i.t(k));
    return i.t(e.key, e.params);
  };
}
/** A refusal as the server answers a request its zod schema refused. */
const refused = (...paths: string[]) => ({
  code: 'invalid_request',
  message: paths.map((p) => `${p}: Invalid input`).join('; '),
  details: paths.map((path) => ({ path, message: 'Invalid input: expected string, received undefined' })),
});

describe('head office error messages', () => {
  it('name the refused fields in the form’s words, never the API’s field names or zod’s text', async () => {
    const say = await wording('ru');
    expect(say(400, refused('card'))).toBe('Сервер не принял данные. Проверьте: номер карты.');
    expect(say(400, refused('amountKopecks'))).toBe('Сервер не принял данные. Проверьте: сумму.');
    expect(say(400, refused('toCustomerId', 'reason', 'customerId'))).toBe('Сервер не принял данные. Проверьте: номер покупателя, причину.');
    // A field the form does not know, a nested path, or no details at all.
    expect(say(400, refused('effects.0.percent'))).toBe('Сервер не принял данные. Проверьте: введённые значения.');
    expect(say(400, { code: 'invalid_request', message: 'Unrecognized keys: "x"' })).toBe('Сервер не принял данные. Проверьте: введённые значения.');
    for (const body of [refused('card'), refused('amountKopecks', 'requestId'), refused('weird')]) expect(say(400, body)).not.toMatch(/[A-Za-z]/);
  });

  it('speak English when head office does', async () => {
    const say = await wording('en');
    expect(say(400, refused('card'))).toBe('The server refused the data. Check the card number.');
  });

  it('word known refusals by their code', async () => {
    const say = await wording('ru');
    expect(say(404, { code: 'customer_not_found', message: 'No customer 9.' })).toBe('Такого покупателя нет.');
    expect(say(404, { code: 'card_not_found', message: 'No customer holds this card.' })).toBe(
      'Эта карта ни за кем не числится: проверьте номер на самой карте.',
    );
    expect(say(401, { code: 'unauthorized', message: 'Bad token' })).toBe('Ключ администратора не подошёл. Проверьте его и войдите снова.');
  });
});
